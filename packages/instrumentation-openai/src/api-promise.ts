import type { ApiPromiseLike, ResponseProps } from './internal-types.js';

/** What to do when the SDK settles a request. Each callback is called at most once per settlement path. */
export interface ApiPromiseObserver {
  /** The SDK parsed the body (a JSON value, or a `Stream` for streamed requests). Must not throw. */
  parsed(value: unknown, props: ResponseProps): void;
  /** The request or the parsing failed (HTTP error status, network error, abort). Must not throw. */
  failed(error: unknown): void;
  /** The app took the raw `Response` (`asResponse()`) and nobody parsed it: the body is the app's. */
  unparsed(): void;
}

export function isApiPromiseLike(value: unknown): value is ApiPromiseLike {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<ApiPromiseLike>;
  return typeof p.parseResponse === 'function' && typeof p.responsePromise?.then === 'function';
}

/**
 * Observes an `APIPromise` in place, so that the app gets the SDK's own object back with `withResponse()`,
 * `asResponse()`, `_thenUnwrap()` and lazy parsing unchanged.
 *
 * Why these hooks: in openai v5, v6 and v7 an `APIPromise` holds two instance fields, `responsePromise` (the HTTP
 * response, retries included) and `parseResponse(client, props)` (which reads the body only when someone awaits the
 * promise, calls `withResponse()`, or a `_thenUnwrap()` child does). Wrapping `then()` instead would parse eagerly and
 * break `asResponse()`, which must return an unconsumed `Response`. So:
 * - `responsePromise` is replaced by a derived promise that reports rejections and rejects with the same error (an
 *   app that never awaits still gets its unhandled rejection, as before);
 * - `parseResponse` is wrapped to see the parsed value (or the parse error), whichever promise triggers it;
 * - `asResponse()` (also on `_thenUnwrap()` children, which share `responsePromise`) ends the span without usage when
 *   the app takes the raw response and nothing parses it.
 *
 * @returns false when the object does not have that shape (nothing was changed)
 */
export function observeApiPromise(promise: ApiPromiseLike, observer: ApiPromiseObserver): boolean {
  const { parseResponse, responsePromise } = promise;
  const state = { parsed: false };

  promise.responsePromise = responsePromise.then(undefined, (error: unknown) => {
    observer.failed(error);
    throw error;
  });
  promise.parseResponse = function observedParseResponse(this: unknown, client: unknown, props: ResponseProps) {
    state.parsed = true;
    let parsed: unknown;
    try {
      parsed = parseResponse.call(this, client, props);
    } catch (error) {
      observer.failed(error);
      throw error;
    }
    return Promise.resolve(parsed).then(
      (value) => {
        observer.parsed(value, props);
        return value;
      },
      (error: unknown) => {
        observer.failed(error);
        throw error;
      },
    );
  };
  observeAsResponse(promise, state, observer);
  return true;
}

function observeAsResponse(promise: Partial<ApiPromiseLike>, state: { parsed: boolean }, observer: ApiPromiseObserver) {
  const { asResponse, _thenUnwrap: thenUnwrap } = promise;
  if (typeof asResponse === 'function') {
    promise.asResponse = function observedAsResponse(this: unknown) {
      const response = asResponse.call(this);
      // `withResponse()` calls `parse()` before `asResponse()`; both wait on `responsePromise`, and the parse
      // callback was registered first, so by the time this runs `state.parsed` tells whether anyone reads the body.
      void Promise.resolve(response).then(
        () => {
          if (!state.parsed) observer.unparsed();
        },
        () => undefined,
      );
      return response;
    };
  }
  if (typeof thenUnwrap === 'function') {
    promise._thenUnwrap = function observedThenUnwrap(this: unknown, ...args: unknown[]) {
      const child = thenUnwrap.apply(this, args);
      if (typeof child === 'object' && child !== null) observeAsResponse(child, state, observer);
      return child;
    };
  }
}

import { diag } from '@opentelemetry/api';
import type { GenAiResponse } from '../telemetry-types.js';
import { abandonedResponse, keepAliveWith, unwatch, watch, type AbandonWatch } from './abandoned.js';

/**
 * Shared by the instrumentations of SDKs generated with Stainless (`openai`, `@anthropic-ai/sdk`, ...): their
 * `APIPromise` has the same shape in every such SDK, so observing it lives here once.
 */

/** What `parseResponse` receives: the HTTP response and the request options. */
export interface ResponseProps {
  response?: { status?: number; headers?: { get(name: string): string | null } };
  options?: { stream?: boolean };
}

export type ParseResponse = (client: unknown, props: ResponseProps) => unknown;

/** `APIPromise`: a Promise subclass that parses the HTTP response lazily. */
export interface ApiPromiseLike {
  responsePromise: Promise<ResponseProps>;
  parseResponse: ParseResponse;
  asResponse?: () => Promise<unknown>;
  _thenUnwrap?: (...args: unknown[]) => unknown;
}

/** What to do when the SDK settles a request. Each callback is called at most once per settlement path. */
export interface ApiPromiseObserver {
  /** The SDK parsed the body (a JSON value, or a `Stream` for streamed requests). Must not throw. */
  parsed(value: unknown, props: ResponseProps): void;
  /** The request or the parsing failed (HTTP error status, network error, abort). Must not throw. */
  failed(error: unknown): void;
  /** The app took the raw `Response` (`asResponse()`) and nobody parsed it: the body is the app's. */
  unparsed(): void;
  /**
   * The app dropped the promise (and every promise derived from it) without reading the response, such as a
   * `create()` never awaited: called once both the promise was garbage-collected and the response had arrived, with
   * when it arrived (a `performance.now()` time). Optional: without it the promise is not watched. Must not throw.
   */
  abandoned?(respondedAt: number): void;
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
 * Why these hooks: in openai v5, v6 and v7 (and `@anthropic-ai/sdk` 0.50 to 1.x) an `APIPromise` holds two instance fields, `responsePromise` (the HTTP
 * response, retries included) and `parseResponse(client, props)`, which reads the body only when someone awaits the
 * promise or calls `withResponse()`. Wrapping `then()` instead would parse eagerly and break `asResponse()`, which
 * must return an unconsumed `Response`. So:
 * - `responsePromise` is replaced by a derived promise that reports rejections and rejects with the same error (an
 *   app that never awaits still gets its unhandled rejection, as before);
 * - `parseResponse` is wrapped to see the parsed value (or the parse error);
 * - `_thenUnwrap(transform)` (used by `chat.completions.parse()`, `responses.stream()`, ...) gets a transform that
 *   sees the value first: in v7 its children parse through closures over the original request, not through the
 *   parent's fields, so this is the only place their value shows;
 * - `asResponse()`, on the promise and its children, ends the span without usage when the app takes the raw
 *   response and nothing parses it;
 * - `_thenUnwrap` children keep their parent alive (a child need not reference it), for the watch below.
 * The value is delivered once per request, whichever promise parses it first.
 *
 * With `observer.abandoned`, the promise is also watched (see `abandoned.ts`): nobody can parse a response once the
 * promise and its children are garbage-collected, so if nothing settled the request by then, it was abandoned.
 */
export function observeApiPromise(promise: ApiPromiseLike, observer: ApiPromiseObserver): void {
  const state = new ParseState(observer);
  const { responsePromise } = promise;
  promise.responsePromise = responsePromise.then(
    state.watched
      ? (props) => {
          state.responded();
          return props;
        }
      : undefined,
    (error: unknown) => {
      state.settle();
      observer.failed(error);
      throw error;
    },
  );
  observe(promise, state, true);
  if (state.watched) watch(promise, state);
}

/** What one observed request has come to; also the abandonment watch of its promise, so it never references one. */
class ParseState implements AbandonWatch {
  /** Someone started parsing the body. */
  parsed = false;
  /** `observer.parsed` was called. */
  delivered = false;
  readonly observer: ApiPromiseObserver;
  /** The promise is watched for abandonment. */
  readonly watched: boolean;
  /** Parsing started, the request failed or the app took the raw response: abandonment no longer applies. */
  private settled = false;
  private respondedAt: number | undefined;
  private collectedBeforeResponse = false;

  constructor(observer: ApiPromiseObserver) {
    this.observer = observer;
    this.watched = typeof observer.abandoned === 'function';
  }

  startParsing(): void {
    this.parsed = true;
    this.settle();
  }

  settle(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.watched) unwatch(this);
  }

  responded(): void {
    this.respondedAt = performance.now();
    if (this.collectedBeforeResponse) this.abandon(this.respondedAt);
  }

  collected(): void {
    // An un-awaited promise is unreachable as soon as it is created, long before its response arrives.
    if (this.respondedAt === undefined) this.collectedBeforeResponse = true;
    else this.abandon(this.respondedAt);
  }

  private abandon(respondedAt: number): void {
    if (this.settled) return;
    this.settled = true;
    this.observer.abandoned?.(respondedAt);
  }
}

function deliver(state: ParseState, value: unknown, props: ResponseProps): void {
  if (state.delivered) return;
  state.delivered = true;
  state.settle();
  state.observer.parsed(value, props);
}

function observe(promise: Partial<ApiPromiseLike>, state: ParseState, root: boolean): void {
  const { parseResponse, asResponse, _thenUnwrap: thenUnwrap } = promise;
  const { observer } = state;
  if (typeof parseResponse === 'function') {
    promise.parseResponse = function observedParseResponse(this: unknown, client: unknown, props: ResponseProps) {
      state.startParsing();
      let parsed: unknown;
      try {
        parsed = parseResponse.call(this, client, props);
      } catch (error) {
        observer.failed(error);
        throw error;
      }
      return Promise.resolve(parsed).then(
        (value) => {
          // A child's value has been through its transform; only the root's is the SDK's own response.
          if (root) deliver(state, value, props);
          return value;
        },
        (error: unknown) => {
          observer.failed(error);
          throw error;
        },
      );
    };
  }
  if (typeof asResponse === 'function') {
    promise.asResponse = function observedAsResponse(this: unknown) {
      // The app holds the response now, not this promise: ending the call is `unparsed`'s (or a parser's) job.
      state.settle();
      const response = asResponse.call(this);
      // `withResponse()` calls `parse()` before `asResponse()`; both wait on the same response, and the parse
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
    promise._thenUnwrap = function observedThenUnwrap(this: unknown, transform: unknown, ...rest: unknown[]) {
      const observed =
        typeof transform === 'function'
          ? function observedTransform(this: unknown, value: unknown, props: ResponseProps): unknown {
              deliver(state, value, props);
              return (transform as (v: unknown, p: ResponseProps) => unknown).call(this, value, props);
            }
          : transform;
      const child = thenUnwrap.call(this, observed, ...rest);
      if (typeof child === 'object' && child !== null) {
        observe(child, state, false);
        // A child need not reference its parent (openai v7's parse through closures over the request): the app
        // holding only the child must keep the watched promise alive, or it would be reported abandoned unread.
        if (state.watched && typeof this === 'object' && this !== null) keepAliveWith(child, this);
      }
      return child;
    };
  }
}

/** Where an observed SDK call reports how it settled: a `GenAiCall`, or what an instrumentation puts before one. */
export interface SettledCall {
  /**
   * `response` and `endedAt` (a `performance.now()` time) are passed only for a request the app dropped unread:
   * marked abandoned, ended when its response arrived. An implementation that cannot back-date its end may ignore it.
   */
  end(response?: GenAiResponse, endedAt?: number): void;
  fail(error: unknown): void;
}

/**
 * Observes what an SDK method returned, without changing it: an `APIPromise` (`observeApiPromise`), any other promise
 * (a custom transport, a future SDK), or a plain value. `parsed` gets the parsed value (it must not throw); a failure
 * fails `call`, and an `APIPromise` nobody parses (the app took `asResponse()`, or dropped it unread) ends it.
 * `sdk` names the SDK in debug logs.
 */
export function observeSdkResult(
  result: unknown,
  call: SettledCall,
  parsed: (value: unknown) => void,
  sdk: string,
): void {
  try {
    if (isApiPromiseLike(result)) {
      observeApiPromise(result, new CallObserver(call, parsed, sdk));
    } else if (typeof (result as Promise<unknown> | undefined)?.then === 'function') {
      (result as Promise<unknown>).then(
        (value) => parsed(value),
        (error: unknown) => call.fail(error),
      );
    } else {
      parsed(result);
    }
  } catch (error) {
    diag.debug(`llmtel ${sdk}: could not observe a response`, error);
    call.end();
  }
}

/** Reports an observed `APIPromise` to its call: one object per call, where an object literal would take five. */
class CallObserver implements ApiPromiseObserver {
  private readonly call: SettledCall;
  private readonly onParsed: (value: unknown) => void;
  private readonly sdk: string;

  constructor(call: SettledCall, onParsed: (value: unknown) => void, sdk: string) {
    this.call = call;
    this.onParsed = onParsed;
    this.sdk = sdk;
  }

  parsed(value: unknown): void {
    this.onParsed(value);
  }

  failed(error: unknown): void {
    this.call.fail(error);
  }

  unparsed(): void {
    this.call.end();
  }

  abandoned(respondedAt: number): void {
    diag.debug(`llmtel ${this.sdk}: ending the span of a response the app dropped unread`);
    this.call.end(abandonedResponse(), respondedAt);
  }
}

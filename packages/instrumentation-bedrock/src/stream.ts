import { diag } from '@opentelemetry/api';
import type { GenAiCall, GenAiResponse } from '@llmtel/core';
import type { AbortSignalLike, EventReader } from './internal-types.js';

type IteratorFactory = (this: unknown) => AsyncIterator<unknown>;

/** A call whose event stream is observed, and what to end it with. */
export interface Observed {
  call: GenAiCall;
  reader: EventReader;
  /** What the call's output said (request id, retries), added to what the events said. */
  attributes: GenAiResponse['attributes'];
  /** The `abortSignal` the app passed to `send()`. */
  signal: AbortSignalLike | undefined;
}

/**
 * Makes the SDK's event stream (`output.stream` of ConverseStream, `output.body` of InvokeModelWithResponseStream)
 * report to its call, without replacing it: its `[Symbol.asyncIterator]` is wrapped in place, so the app keeps the very
 * object it would get without instrumentation, and gets every event unchanged and in order. The first iteration is
 * observed; a later one (which the SDK answers from its already consumed source) passes through untouched so that
 * it cannot end the span a second time.
 *
 * @returns false when `stream` is not an async iterable (nothing was changed)
 */
export function observeEventStream(holder: Record<string, unknown>, key: string, observed: Observed): boolean {
  const stream = holder[key] as Record<symbol, unknown> | null | undefined;
  const source = stream?.[Symbol.asyncIterator];
  if (typeof source !== 'function') return false;
  const factory = source as IteratorFactory;
  let claimed = false;
  const iterator = function observedIterator(this: unknown): AsyncIterator<unknown> {
    const inner = factory.call(this);
    if (claimed) return inner;
    claimed = true;
    return observe(inner, observed);
  };
  try {
    Object.defineProperty(stream, Symbol.asyncIterator, { value: iterator, configurable: true, writable: true });
  } catch {
    // A frozen stream object: hand the app an equivalent iterable in its place.
    holder[key] = { [Symbol.asyncIterator]: () => iterator.call(stream) };
  }
  return true;
}

/**
 * Forwards the SDK iterator's events, reading each one before handing it on. The span ends exactly once: when the
 * stream is done, when the app stops early (`break`, `return()`, `throw()`: the SDK's iterator is then closed too, as
 * a plain `for await` over it would), or with the SDK's first error (an abort, a dropped connection, an error event).
 */
async function* observe(
  inner: AsyncIterator<unknown>,
  observed: Observed,
): AsyncGenerator<unknown, unknown, undefined> {
  const { call, reader } = observed;
  let settled = false;
  try {
    for (;;) {
      let result: IteratorResult<unknown>;
      try {
        result = await inner.next();
      } catch (error) {
        settled = true;
        finish(observed, { error });
        throw error;
      }
      if (result.done === true) {
        settled = true;
        // The SDK ends an aborted stream quietly, as if it were complete: the span says it was cut short.
        const aborted = observed.signal?.aborted === true;
        finish(observed, aborted ? { error: abortReason(observed.signal!) } : undefined);
        return result.value;
      }
      if (accept(reader, result.value)) call.recordChunk();
      yield result.value;
    }
  } finally {
    if (!settled) {
      finish(observed, undefined);
      await inner.return?.();
    }
  }
}

function accept(reader: EventReader, event: unknown): boolean {
  try {
    return reader.add(event);
  } catch (err) {
    diag.debug('llmtel bedrock: could not read a stream event', err);
    return false;
  }
}

/** An `AbortError` (its `error.type`) that carries the signal's reason as its cause. */
function abortReason(signal: AbortSignalLike): Error {
  const error = new Error('The request was aborted before its stream ended', { cause: signal.reason });
  error.name = 'AbortError';
  return error;
}

function finish({ call, reader, attributes }: Observed, failure: { error: unknown } | undefined): void {
  if (call.ended) return;
  let response: GenAiResponse = {};
  try {
    response = reader.response();
    if (attributes !== undefined) response.attributes = { ...response.attributes, ...attributes };
  } catch (err) {
    diag.debug('llmtel bedrock: could not read a finished stream', err);
  }
  if (failure === undefined) call.end(response);
  else call.fail(failure.error, response);
}

import { diag } from '@opentelemetry/api';
import type { GenAiCall } from '@llmtel/core';
import { telemetryError } from './errors.js';
import type { StreamAccumulator } from './internal-types.js';

/**
 * Makes the SDK's `Stream` (`core.Stream`, an async iterable over the parsed events) report to `call`, without
 * replacing it: the instance gets its own `[Symbol.asyncIterator]`, which wraps the first iteration in an async
 * generator. Each event is read, reported, then yielded; the generator's `finally` ends the call when the stream is
 * done and when the app stops early (`break`, `return`). Later iterations (the SDK reads its response body once) pass
 * through untouched, so they cannot end the call early.
 *
 * @returns false when the value does not look like an SDK stream (nothing was changed)
 */
export function observeStream(stream: unknown, call: GenAiCall, accumulator: StreamAccumulator): boolean {
  if (typeof stream !== 'object' || stream === null) return false;
  const iterate = (stream as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator];
  if (typeof iterate !== 'function') return false;
  let claimed = false;
  Object.defineProperty(stream, Symbol.asyncIterator, {
    configurable: true,
    writable: true,
    value: function observedIterator(this: unknown): AsyncIterator<unknown> {
      const inner = (iterate as () => AsyncIterator<unknown>).call(this);
      if (claimed) return inner;
      claimed = true;
      return relay(inner, call, accumulator);
    },
  });
  return true;
}

async function* relay(
  inner: AsyncIterator<unknown>,
  call: GenAiCall,
  accumulator: StreamAccumulator,
): AsyncGenerator<unknown> {
  let failed = false;
  try {
    for await (const event of { [Symbol.asyncIterator]: () => inner }) {
      // Read before the app sees it, so a `break` right after `message-end` still has the usage.
      accept(event, call, accumulator);
      yield event;
    }
  } catch (error) {
    failed = true;
    call.fail(telemetryError(error), responseOf(accumulator));
    throw error;
  } finally {
    if (!failed) call.end(responseOf(accumulator));
  }
}

function accept(event: unknown, call: GenAiCall, accumulator: StreamAccumulator): void {
  let output = false;
  try {
    output = accumulator.add(event);
  } catch (err) {
    diag.debug('llmtel cohere: could not read a stream event', err);
  }
  if (output) call.recordChunk();
}

function responseOf(accumulator: StreamAccumulator) {
  try {
    return accumulator.response();
  } catch (err) {
    diag.debug('llmtel cohere: could not read a stream', err);
    return {};
  }
}

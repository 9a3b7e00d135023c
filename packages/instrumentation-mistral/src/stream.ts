import type { ReadableStreamDefaultController, ReadableStreamReadResult, UnderlyingSource } from 'node:stream/web';
import {
  observeAsyncIterable,
  StreamEventObserver,
  type StreamCompletion,
  type StreamEventAccumulator,
} from '@llmtel/core';
import { telemetryError } from './errors.js';

type ReadableStreamClass = new (...args: unknown[]) => ReadableStream<unknown>;

/**
 * 2.x: `EventStream` is a `ReadableStream` subclass, consumed with `for await`, `getReader()`, `pipeTo()` or `tee()`.
 * Every one of those reads through the stream's internal reader, which no method on the instance can see, so the app
 * gets a new stream of the same class (same prototype, same `Symbol.asyncIterator`) whose source pulls from the SDK's
 * stream one event per read, handing over the very same event objects. `highWaterMark: 0`: nothing is read ahead of
 * the app beyond what the SDK's own stream already buffers.
 */
function relayReadableStream(stream: ReadableStream<unknown>, observer: StreamEventObserver): ReadableStream<unknown> {
  const reader = stream.getReader();
  const source: UnderlyingSource<unknown> = {
    async pull(controller: ReadableStreamDefaultController<unknown>) {
      let result: ReadableStreamReadResult<unknown>;
      try {
        result = await reader.read();
      } catch (error) {
        observer.fail(error);
        controller.error(error);
        return;
      }
      if (result.done) {
        observer.finish();
        controller.close();
        return;
      }
      observer.accept(result.value);
      controller.enqueue(result.value);
    },
    cancel(reason: unknown) {
      // The app stopped reading: `break` in `for await`, `reader.cancel()`, a cancelled `tee()` pair.
      observer.finish();
      return reader.cancel(reason);
    },
  };
  const cls = (Object.getPrototypeOf(stream) as { constructor?: unknown }).constructor;
  const newTarget = typeof cls === 'function' ? (cls as ReadableStreamClass) : ReadableStream;
  return Reflect.construct<[UnderlyingSource<unknown>, { highWaterMark: number }], ReadableStream<unknown>>(
    ReadableStream,
    [source, { highWaterMark: 0 }],
    newTarget,
  );
}

/**
 * Makes a streamed result report to `completion`.
 *
 * @returns what to hand to the app (the same object, or for 2.x a stream of the same class relaying it), or
 *   undefined when the value does not look like an SDK stream (nothing was changed)
 */
export function observeStream(
  stream: unknown,
  completion: StreamCompletion,
  accumulator: StreamEventAccumulator,
): unknown {
  if (typeof stream !== 'object' || stream === null) return undefined;
  const observer = new StreamEventObserver(completion, accumulator, 'mistral', telemetryError);
  if (typeof ReadableStream === 'function' && stream instanceof ReadableStream) {
    if (stream.locked) return undefined;
    return relayReadableStream(stream, observer);
  }
  // 1.x: `EventStream` is a plain class whose `[Symbol.asyncIterator]` is an async generator.
  return observeAsyncIterable(stream, observer) ? stream : undefined;
}

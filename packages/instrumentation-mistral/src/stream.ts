import type { ReadableStreamDefaultController, ReadableStreamReadResult, UnderlyingSource } from 'node:stream/web';
import { diag } from '@opentelemetry/api';
import type { Completion, StreamAccumulator } from './internal-types.js';
import { telemetryError } from './errors.js';

/** Reports each streamed event to the call and ends it exactly once, whichever way the stream stops. */
class StreamObserver {
  private readonly completion: Completion;
  private readonly accumulator: StreamAccumulator;

  constructor(completion: Completion, accumulator: StreamAccumulator) {
    this.completion = completion;
    this.accumulator = accumulator;
  }

  /** Called before the event is handed to the app, so a `break` right after the usage chunk still has the usage. */
  accept(event: unknown): void {
    let output = false;
    try {
      output = this.accumulator.add(event);
    } catch (err) {
      diag.debug('llmtel mistral: could not read a stream event', err);
    }
    if (output) this.completion.recordChunk();
  }

  finish(): void {
    if (this.completion.ended) return;
    let response;
    try {
      response = this.accumulator.response();
    } catch (err) {
      diag.debug('llmtel mistral: could not read a finished stream', err);
    }
    this.completion.end(response);
  }

  fail(error: unknown): void {
    if (this.completion.ended) return;
    let partial;
    try {
      partial = this.accumulator.response();
    } catch (err) {
      diag.debug('llmtel mistral: could not read a failed stream', err);
    }
    this.completion.fail(telemetryError(error), partial);
  }
}

type ReadableStreamClass = new (...args: unknown[]) => ReadableStream<unknown>;

/**
 * 2.x: `EventStream` is a `ReadableStream` subclass, consumed with `for await`, `getReader()`, `pipeTo()` or `tee()`.
 * Every one of those reads through the stream's internal reader, which no method on the instance can see, so the app
 * gets a new stream of the same class (same prototype, same `Symbol.asyncIterator`) whose source pulls from the SDK's
 * stream one event per read, handing over the very same event objects. `highWaterMark: 0`: nothing is read ahead of
 * the app beyond what the SDK's own stream already buffers.
 */
function relayReadableStream(stream: ReadableStream<unknown>, observer: StreamObserver): ReadableStream<unknown> {
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
 * 1.x: `EventStream` is a plain class whose `[Symbol.asyncIterator]` is an async generator. The instance gets its own
 * `[Symbol.asyncIterator]` that wraps the first iteration in an async generator: each event is read, then yielded;
 * the generator's `finally` ends the call on completion and on `break`. Later iterations (which the SDK's reader lock
 * rejects) pass through untouched.
 */
function observeAsyncIterable(stream: object, observer: StreamObserver): boolean {
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
      return relayIterator(inner, observer);
    },
  });
  return true;
}

async function* relayIterator(inner: AsyncIterator<unknown>, observer: StreamObserver): AsyncGenerator<unknown> {
  let failed = false;
  try {
    for await (const event of { [Symbol.asyncIterator]: () => inner }) {
      observer.accept(event);
      yield event;
    }
  } catch (error) {
    failed = true;
    observer.fail(error);
    throw error;
  } finally {
    if (!failed) observer.finish();
  }
}

/**
 * Makes a streamed result report to `completion`.
 *
 * @returns what to hand to the app (the same object, or for 2.x a stream of the same class relaying it), or
 *   undefined when the value does not look like an SDK stream (nothing was changed)
 */
export function observeStream(stream: unknown, completion: Completion, accumulator: StreamAccumulator): unknown {
  if (typeof stream !== 'object' || stream === null) return undefined;
  const observer = new StreamObserver(completion, accumulator);
  if (typeof ReadableStream === 'function' && stream instanceof ReadableStream) {
    if (stream.locked) return undefined;
    return relayReadableStream(stream, observer);
  }
  return observeAsyncIterable(stream, observer) ? stream : undefined;
}

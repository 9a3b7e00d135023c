import { diag } from '@opentelemetry/api';
import type { GenAiCall } from '@llmtel/core';
import {
  CHUNK_EVENT,
  CHUNK_HIDDEN,
  type ChunkDisposition,
  type StreamAccumulator,
  type StreamLike,
} from './internal-types.js';

/**
 * Makes the SDK's own `Stream` report to `call`, without replacing it.
 *
 * Every way of consuming a `Stream` in openai v5–v7 (`for await`, `tee()`, `toReadableStream()`, and v7's
 * chunk-normalising `[Symbol.asyncIterator]` override) ends up calling the instance's `iterator()` function, so that
 * is the one place wrapped. The first call is observed; later calls (double iteration, which the SDK rejects
 * with its own error) pass through untouched so that they cannot end the span early. The app keeps the same
 * `Stream` object, `controller` and `tee()` behaviour.
 *
 * @returns false when the object does not look like an SDK stream (nothing was changed)
 */
export function observeStream(stream: unknown, call: GenAiCall, accumulator: StreamAccumulator): boolean {
  const target = stream as StreamLike | null;
  const source = target?.iterator;
  if (typeof source !== 'function') return false;
  let claimed = false;
  target!.iterator = function observedIterator(this: unknown, ...args: unknown[]): AsyncIterator<unknown> {
    const inner = source.apply(this, args);
    if (claimed) return inner;
    claimed = true;
    try {
      return new ObservedIterator(inner, call, accumulator);
    } catch (err) {
      diag.debug('llmtel openai: could not observe stream', err);
      return inner;
    }
  };
  return true;
}

/**
 * An async iterator that forwards to the SDK's and reports each chunk; a class (not an async generator) so that
 * `next`/`return`/`throw` keep the SDK generator's own semantics (queued calls, abort on early `return()`), and so
 * that a chunk costs no closure allocation. The span ends exactly once: on the final `done`, on `return()` (the
 * app's `break`, a cancelled `tee()` pair or readable stream), or on the first error.
 */
class ObservedIterator implements AsyncIterator<unknown> {
  private readonly inner: AsyncIterator<unknown>;
  private readonly call: GenAiCall;
  private readonly accumulator: StreamAccumulator;
  private readonly onResult: (
    result: IteratorResult<unknown>,
  ) => IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
  private readonly onError: (error: unknown) => never;

  constructor(inner: AsyncIterator<unknown>, call: GenAiCall, accumulator: StreamAccumulator) {
    this.inner = inner;
    this.call = call;
    this.accumulator = accumulator;
    this.onResult = (result) => {
      if (result.done === true) {
        this.finish();
        return result;
      }
      const disposition = this.accept(result.value);
      // The usage chunk this instrumentation asked for is not the app's: read the next one in its place.
      if (disposition === CHUNK_HIDDEN) return this.next();
      if (disposition !== CHUNK_EVENT) this.call.recordChunk();
      return result;
    };
    this.onError = (error) => {
      this.fail(error);
      throw error;
    };
  }

  next(value?: unknown): Promise<IteratorResult<unknown>> {
    // `for await` calls next() without an argument; no rest array per chunk.
    const result = value === undefined ? this.inner.next() : this.inner.next(value);
    return result.then(this.onResult, this.onError);
  }

  return(value?: unknown): Promise<IteratorResult<unknown>> {
    this.finish();
    if (typeof this.inner.return !== 'function') return Promise.resolve({ done: true, value });
    return this.inner.return(value);
  }

  throw(error?: unknown): Promise<IteratorResult<unknown>> {
    this.fail(error);
    // SDK streams are async generators, which always have throw(); this is for foreign iterators only.
    if (typeof this.inner.throw !== 'function') {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return this.inner.throw(error).then(this.onResult, this.onError);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private accept(chunk: unknown): ChunkDisposition | undefined {
    try {
      return this.accumulator.add(chunk);
    } catch (err) {
      diag.debug('llmtel openai: could not read a stream chunk', err);
      return undefined;
    }
  }

  private finish(): void {
    if (this.call.ended) return;
    try {
      const error = this.accumulator.error();
      if (error !== undefined) this.call.fail(error, this.accumulator.response());
      else this.call.end(this.accumulator.response());
    } catch (err) {
      diag.debug('llmtel openai: could not end a stream span', err);
      this.call.end();
    }
  }

  private fail(error: unknown): void {
    if (this.call.ended) return;
    let partial;
    try {
      partial = this.accumulator.response();
    } catch (err) {
      diag.debug('llmtel openai: could not read a failed stream', err);
    }
    this.call.fail(error, partial);
  }
}

// `await using` / `Symbol.asyncDispose` come from %AsyncIteratorPrototype%, like on the SDK's async generators.
try {
  const asyncIteratorPrototype = Object.getPrototypeOf(
    Object.getPrototypeOf(async function* () {}).prototype,
  ) as object;
  Object.setPrototypeOf(ObservedIterator.prototype, asyncIteratorPrototype);
} catch {
  // Only the disposal protocol is lost.
}

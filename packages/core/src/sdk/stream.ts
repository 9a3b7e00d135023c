import { diag } from '@opentelemetry/api';
import type { GenAiResponse } from '../telemetry-types.js';
import { abandonedResponse, unwatch, watch, type AbandonWatch } from './abandoned.js';

/**
 * Shared by the instrumentations of SDKs generated with Stainless (`openai`, `@anthropic-ai/sdk`, ...): their `Stream`
 * has the same shape in every such SDK, so observing it lives here once, next to `observeApiPromise`.
 */

/** An output chunk: handed to the app, and counted (`recordChunk`, for the time-to-first-chunk metrics). */
export const CHUNK_OUTPUT = 0;
/** Handed to the app, not counted as an output chunk (lifecycle events). */
export const CHUNK_EVENT = 1;
/** Not handed to the app (a chunk the instrumentation asked for itself, such as a usage chunk): read past. */
export const CHUNK_HIDDEN = 2;
export type ChunkDisposition = typeof CHUNK_OUTPUT | typeof CHUNK_EVENT | typeof CHUNK_HIDDEN;

/** Accumulates what a streamed response says, one chunk at a time. */
export interface SdkStreamAccumulator {
  add(chunk: unknown): ChunkDisposition;
  /** What the stream said so far. */
  response(): GenAiResponse;
  /** An error the stream reported in-band; the span ends with it instead of the stream's end. */
  error?(): unknown;
}

/** Where a stream reports: a `GenAiCall`, or what an instrumentation puts in front of one. */
export interface StreamCompletion {
  readonly ended: boolean;
  recordChunk(): void;
  /**
   * `endedAt` (a `performance.now()` time) is passed only for a call ended after the fact (a stream the app dropped
   * unread): when its response had arrived. An implementation that cannot back-date its end may ignore it.
   */
  end(response?: GenAiResponse, endedAt?: number): void;
  fail(error: unknown, partial?: GenAiResponse): void;
}

/** A Stainless `Stream`: every way of consuming it (`for await`, `tee()`, `toReadableStream()`) calls `iterator()`. */
interface StreamLike {
  iterator: (...args: unknown[]) => AsyncIterator<unknown>;
}

/**
 * Makes the SDK's own `Stream` report to `completion`, without replacing it: the instance's `iterator()` function is
 * the one place wrapped. The first call is observed; later calls (double iteration, which the SDK rejects with its
 * own error) pass through untouched so that they cannot end the span early. The app keeps the same `Stream` object,
 * `controller` and `tee()` behaviour. `sdk` names the SDK in debug logs.
 *
 * A stream the app drops unread ends its call, marked `llmtel.response.abandoned`, once it is garbage-collected
 * (see `abandoned.ts`); one whose iteration started is watched until its iterator is collected as well.
 *
 * @returns false when the object does not look like an SDK stream (nothing was changed)
 */
export function observeSdkStream(
  stream: unknown,
  completion: StreamCompletion,
  accumulator: SdkStreamAccumulator,
  sdk: string,
): boolean {
  const target = stream as StreamLike | null;
  if (typeof target?.iterator !== 'function') return false;
  const source = target.iterator;
  const abandonment = new StreamWatch(completion, accumulator, sdk);
  let claimed = false;
  target.iterator = function observedIterator(this: unknown, ...args: unknown[]): AsyncIterator<unknown> {
    const inner = source.apply(this, args);
    if (claimed) return inner;
    claimed = true;
    abandonment.iterated = true;
    try {
      return new ObservedIterator(inner, completion, accumulator, sdk, target, abandonment);
    } catch (err) {
      diag.debug(`llmtel ${sdk}: could not observe stream`, err);
      return inner;
    }
  };
  watch(target, abandonment);
  return true;
}

/**
 * Ends the call of a stream the app dropped: never iterated, or whose iterator it dropped part-way without
 * `return()`. Holds the completion and the accumulator, which never reference the stream.
 */
class StreamWatch implements AbandonWatch {
  private readonly completion: StreamCompletion;
  private readonly accumulator: SdkStreamAccumulator;
  private readonly sdk: string;
  /** When the stream was handed to the app: its response had arrived. */
  private readonly receivedAt = performance.now();
  /** Iteration started, so chunks may have arrived after `receivedAt`. */
  iterated = false;

  constructor(completion: StreamCompletion, accumulator: SdkStreamAccumulator, sdk: string) {
    this.completion = completion;
    this.accumulator = accumulator;
    this.sdk = sdk;
  }

  collected(): void {
    if (this.completion.ended) return;
    diag.debug(`llmtel ${this.sdk}: ending the span of a stream the app dropped unread`);
    if (!this.iterated) {
      // Nothing was read, so nothing is known of the output: no response, which would estimate it as empty.
      this.completion.end(abandonedResponse(), this.receivedAt);
      return;
    }
    let partial: GenAiResponse | undefined;
    try {
      partial = this.accumulator.response();
    } catch (err) {
      diag.debug(`llmtel ${this.sdk}: could not read a dropped stream`, err);
    }
    this.completion.end(abandonedResponse(partial));
  }
}

/**
 * An async iterator that forwards to the SDK's and reports each chunk; a class (not an async generator) so that
 * `next`/`return`/`throw` keep the SDK generator's own semantics (queued calls, abort on early `return()`), and so
 * that a chunk costs no closure allocation. The call ends exactly once: on the final `done`, on `return()` (the
 * app's `break`, a cancelled `tee()` pair or readable stream), on the first error, or (`StreamWatch`) once the app
 * has dropped it part-way and it is collected.
 */
class ObservedIterator implements AsyncIterator<unknown> {
  private readonly inner: AsyncIterator<unknown>;
  private readonly completion: StreamCompletion;
  private readonly accumulator: SdkStreamAccumulator;
  private readonly sdk: string;
  /**
   * The `Stream` this iterates: the SDK's iterator does not reference it, and a `for await` over a temporary holds
   * only the iterator, so without this the stream could be collected (and its call ended) mid-iteration.
   */
  private readonly stream: object;
  private readonly abandonment: StreamWatch;
  private readonly onResult: (
    result: IteratorResult<unknown>,
  ) => IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
  private readonly onError: (error: unknown) => never;

  constructor(
    inner: AsyncIterator<unknown>,
    completion: StreamCompletion,
    accumulator: SdkStreamAccumulator,
    sdk: string,
    stream: object,
    abandonment: StreamWatch,
  ) {
    this.inner = inner;
    this.completion = completion;
    this.accumulator = accumulator;
    this.sdk = sdk;
    this.stream = stream;
    this.abandonment = abandonment;
    this.onResult = (result) => {
      if (result.done === true) {
        this.finish();
        return result;
      }
      const disposition = this.accept(result.value);
      if (disposition === CHUNK_HIDDEN) return this.next();
      if (disposition === CHUNK_OUTPUT) this.completion.recordChunk();
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
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrows the caller's value as is
    if (typeof this.inner.throw !== 'function') return Promise.reject(error);
    return this.inner.throw(error).then(this.onResult, this.onError);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** @returns how to treat the chunk; a chunk that cannot be read is handed on, not counted */
  private accept(chunk: unknown): ChunkDisposition {
    try {
      return this.accumulator.add(chunk);
    } catch (err) {
      diag.debug(`llmtel ${this.sdk}: could not read a stream chunk`, err);
      return CHUNK_EVENT;
    }
  }

  private finish(): void {
    if (this.completion.ended) return;
    unwatch(this.abandonment);
    try {
      const error = this.accumulator.error?.();
      if (error !== undefined) this.completion.fail(error, this.accumulator.response());
      else this.completion.end(this.accumulator.response());
    } catch (err) {
      diag.debug(`llmtel ${this.sdk}: could not end a stream span`, err);
      this.completion.end();
    }
  }

  private fail(error: unknown): void {
    if (this.completion.ended) return;
    unwatch(this.abandonment);
    let partial;
    try {
      partial = this.accumulator.response();
    } catch (err) {
      diag.debug(`llmtel ${this.sdk}: could not read a failed stream`, err);
    }
    this.completion.fail(error, partial);
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

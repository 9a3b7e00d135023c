import { diag } from '@opentelemetry/api';
import { CHUNK_OUTPUT, type Completion, type StreamAccumulator, type StreamLike } from './internal-types.js';

/**
 * Makes the SDK's own `Stream` report to `completion`, without replacing it.
 *
 * Every way of consuming a `Stream` in @anthropic-ai/sdk 0.50–1.x (`for await`, `tee()`, `toReadableStream()`, the
 * `messages.stream()` helper, and the SDK's own tracing wrapper around `[Symbol.asyncIterator]` from 0.134) ends
 * up calling the instance's `iterator()` function, so that is the one place wrapped. The first call is observed;
 * later calls (double iteration, which the SDK rejects with its own error) pass through untouched so that they
 * cannot end the span early. The app keeps the same `Stream` object, `controller` and `tee()` behaviour.
 *
 * @returns false when the object does not look like an SDK stream (nothing was changed)
 */
export function observeStream(stream: unknown, completion: Completion, accumulator: StreamAccumulator): boolean {
  const target = stream as StreamLike | null;
  const source = target?.iterator;
  if (typeof source !== 'function') return false;
  let claimed = false;
  target!.iterator = function observedIterator(this: unknown, ...args: unknown[]): AsyncIterator<unknown> {
    const inner = source.apply(this, args);
    if (claimed) return inner;
    claimed = true;
    try {
      return new ObservedIterator(inner, completion, accumulator);
    } catch (err) {
      diag.debug('llmtel anthropic: could not observe stream', err);
      return inner;
    }
  };
  return true;
}

/**
 * An async iterator that forwards to the SDK's and reports each event; a class (not an async generator) so that
 * `next`/`return`/`throw` keep the SDK generator's own semantics (queued calls, abort on early `return()`), and so
 * that an event costs no closure allocation. The call ends exactly once: on the final `done`, on `return()` (the
 * app's `break`, a cancelled `tee()` pair or readable stream), or on the first error.
 */
class ObservedIterator implements AsyncIterator<unknown> {
  private readonly inner: AsyncIterator<unknown>;
  private readonly completion: Completion;
  private readonly accumulator: StreamAccumulator;
  private readonly onResult: (result: IteratorResult<unknown>) => IteratorResult<unknown>;
  private readonly onError: (error: unknown) => never;

  constructor(inner: AsyncIterator<unknown>, completion: Completion, accumulator: StreamAccumulator) {
    this.inner = inner;
    this.completion = completion;
    this.accumulator = accumulator;
    this.onResult = (result) => {
      if (result.done === true) this.finish();
      else if (this.accept(result.value)) this.completion.recordChunk();
      return result;
    };
    this.onError = (error) => {
      this.fail(error);
      throw error;
    };
  }

  next(...args: [] | [unknown]): Promise<IteratorResult<unknown>> {
    return this.inner.next(...args).then(this.onResult, this.onError);
  }

  return(value?: unknown): Promise<IteratorResult<unknown>> {
    this.finish();
    if (typeof this.inner.return !== 'function') return Promise.resolve({ done: true, value });
    return this.inner.return(value);
  }

  throw(error?: unknown): Promise<IteratorResult<unknown>> {
    this.fail(error);
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrows the caller's value as is
    if (typeof this.inner.throw !== 'function') return Promise.reject(error);
    return this.inner.throw(error).then(this.onResult, this.onError);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** @returns whether the event is an output chunk */
  private accept(event: unknown): boolean {
    try {
      return this.accumulator.add(event) === CHUNK_OUTPUT;
    } catch (err) {
      diag.debug('llmtel anthropic: could not read a stream event', err);
      return false;
    }
  }

  private finish(): void {
    if (this.completion.ended) return;
    try {
      this.completion.end(this.accumulator.response());
    } catch (err) {
      diag.debug('llmtel anthropic: could not end a stream span', err);
      this.completion.end();
    }
  }

  private fail(error: unknown): void {
    if (this.completion.ended) return;
    let partial;
    try {
      partial = this.accumulator.response();
    } catch (err) {
      diag.debug('llmtel anthropic: could not read a failed stream', err);
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

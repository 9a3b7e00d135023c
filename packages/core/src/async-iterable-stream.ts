import { diag } from '@opentelemetry/api';
import type { StreamCompletion } from './sdk/stream.js';
import type { GenAiResponse } from './telemetry-types.js';

/**
 * Shared by the instrumentations of SDKs whose streams are consumed through `[Symbol.asyncIterator]` (`cohere-ai`'s
 * `Stream`, `@mistralai/mistralai` 1.x's `EventStream`), as `observeSdkStream` is for Stainless SDKs.
 */

/** Accumulates what a streamed response says, one event at a time. */
export interface StreamEventAccumulator {
  /** @returns whether the event carried output (it then counts as a chunk for the streaming metrics) */
  add(event: unknown): boolean;
  /** What the stream said so far. */
  response(): GenAiResponse;
}

/** Reports each streamed event to a call and ends the call exactly once, whichever way the stream stops. */
export class StreamEventObserver {
  private readonly completion: StreamCompletion;
  private readonly accumulator: StreamEventAccumulator;
  private readonly sdk: string;
  private readonly errorOf: (error: unknown) => unknown;

  /**
   * @param sdk names the SDK in debug logs
   * @param errorOf the error as the span should classify it (the app's error object is never changed)
   */
  constructor(
    completion: StreamCompletion,
    accumulator: StreamEventAccumulator,
    sdk: string,
    errorOf: (error: unknown) => unknown = (error) => error,
  ) {
    this.completion = completion;
    this.accumulator = accumulator;
    this.sdk = sdk;
    this.errorOf = errorOf;
  }

  /** Call before the event is handed to the app, so that a `break` right after the usage event still has the usage. */
  accept(event: unknown): void {
    let output = false;
    try {
      output = this.accumulator.add(event);
    } catch (err) {
      diag.debug(`llmtel ${this.sdk}: could not read a stream event`, err);
    }
    if (output) this.completion.recordChunk();
  }

  /** The stream ended, or the app stopped reading it. */
  finish(): void {
    if (!this.completion.ended) this.completion.end(this.responseSoFar('finished'));
  }

  fail(error: unknown): void {
    if (!this.completion.ended) this.completion.fail(this.errorOf(error), this.responseSoFar('failed'));
  }

  private responseSoFar(stream: 'finished' | 'failed'): GenAiResponse | undefined {
    try {
      return this.accumulator.response();
    } catch (err) {
      diag.debug(`llmtel ${this.sdk}: could not read a ${stream} stream`, err);
      return undefined;
    }
  }
}

/**
 * Makes a stream that is consumed through `[Symbol.asyncIterator]` report to `observer`, without replacing it: the
 * instance gets its own `[Symbol.asyncIterator]`, which wraps the first iteration in an async generator. Each event
 * is read, reported, then yielded; the generator's `finally` ends the call when the stream is done and when the app
 * stops early (`break`, `return`). Later iterations (which the SDK rejects: it reads its response body once) pass
 * through untouched, so they cannot end the call early.
 *
 * @returns false when the stream has no `[Symbol.asyncIterator]` (nothing was changed)
 */
export function observeAsyncIterable(stream: object, observer: StreamEventObserver): boolean {
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
      return relay(inner, observer);
    },
  });
  return true;
}

async function* relay(inner: AsyncIterator<unknown>, observer: StreamEventObserver): AsyncGenerator<unknown> {
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

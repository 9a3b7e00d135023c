import { diag } from '@opentelemetry/api';
import { isObject } from '@llmtel/core';
import type { StreamWrapperMethod } from './internal-types.js';

/*
 * The SDK hands the app some streams inside an async generator of its own: chat sessions' `processStreamResponse`
 * (every version) and, from v2.x, the automatic continuation of `generateContentStreamWithContinuation`. Calling
 * `return()` on such a generator before its first `next()` completes it without running its body, so it never
 * closes the stream it holds (https://tc39.es/ecma262/#sec-asyncgenerator-prototype-return), and the span of that
 * stream would stay open. These wrappers forward that `return()` to the inner stream; the stream this package hands
 * the SDK then ends its span as for any early exit.
 */

interface OpeningSlot {
  /** The streams opened by the `generateContentStreamWithContinuation` call being made, if any. */
  streams: unknown[] | undefined;
}

/** Process-wide: the ESM and CJS builds of this package can both be loaded, and either may have patched the SDK. */
const OPENING = Symbol.for('llmtel.google-genai.opening-streams');

function openingSlot(): OpeningSlot {
  const store = globalThis as { [OPENING]?: OpeningSlot };
  return (store[OPENING] ??= { streams: undefined });
}

/**
 * Where the stream a request is opening should be noted: read when `generateContentStreamInternal` is called.
 * `undefined` outside a continuation call.
 */
export function openingStreams(): unknown[] | undefined {
  return openingSlot().streams;
}

/**
 * Wraps `Models.prototype.generateContentStreamWithContinuation`. It opens its first hop (a call of
 * `generateContentStreamInternal`, which notes its stream in the slot) before its first `await`, so the slot is only
 * set during the synchronous part of the call; later hops are opened by the generator's body, which closes them
 * itself.
 */
export function wrapContinuation(original: StreamWrapperMethod): StreamWrapperMethod {
  return function generateContentStreamWithContinuation(this: unknown, ...args: unknown[]): unknown {
    const slot = openingSlot();
    const previous = slot.streams;
    const opened: unknown[] = [];
    slot.streams = opened;
    let result: unknown;
    try {
      result = original.apply(this, args);
    } finally {
      slot.streams = previous;
    }
    if (!(result instanceof Promise)) return result;
    return result.then((outer: unknown) => {
      closeWithOuter(outer, opened);
      return outer;
    });
  };
}

/** Wraps `Chat.prototype.processStreamResponse(stream, ...)`, whose generator reads `stream`. */
export function wrapChatStream(original: StreamWrapperMethod): StreamWrapperMethod {
  return function processStreamResponse(this: unknown, stream: unknown, ...rest: unknown[]): unknown {
    const outer = original.call(this, stream, ...rest);
    closeWithOuter(outer, [stream]);
    return outer;
  };
}

/**
 * Makes `outer.return()` also call `return()` on the `inners` once it has settled, and settle with what it settled
 * with. If `outer` had started, its own `finally` already closed them, and `return()` on a finished generator does
 * nothing; if it had not, nothing else ever will. The inner streams are owned by `outer` alone, so closing them is
 * seen by nobody but this package.
 */
function closeWithOuter(outer: unknown, inners: readonly unknown[]): void {
  try {
    if (!isObject(outer) || typeof outer.return !== 'function') return;
    const close = outer.return as (this: unknown, value: unknown) => unknown;
    outer.return = function (this: unknown, value: unknown): Promise<unknown> {
      return Promise.resolve(close.call(this, value)).finally(() => closeAll(inners));
    };
  } catch (err) {
    diag.debug('llmtel google-genai: could not observe the early end of a wrapped stream', err);
  }
}

/** Never rejects: a failure to close an inner stream must not change what the app's `return()` settles with. */
async function closeAll(inners: readonly unknown[]): Promise<void> {
  for (const inner of inners) {
    try {
      if (isObject(inner) && typeof inner.return === 'function') {
        await (inner.return as (this: unknown) => unknown).call(inner);
      }
    } catch (err) {
      diag.debug('llmtel google-genai: could not close a wrapped stream', err);
    }
  }
}

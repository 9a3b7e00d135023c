import { context as otelContext, type Context } from '@opentelemetry/api';

/**
 * LangChain's callbacks say when a run starts and ends, but a callback cannot make the run's span the active one
 * for the work the run does. That work (the provider SDK request of a chat model, the function of a tool) must
 * still run inside the run's span, so that an instrumented provider SDK's span is its child and billing finds its
 * owner. The methods that do a run's work receive the run's manager; wrapping them enters the run's context.
 */

/** A method that does a run's work, with the position of its run manager argument. */
export interface RunMethod {
  readonly name: string;
  readonly runManagerIndex: number;
  /** The method is an async generator: its body runs on each `next()`, so every step must enter the context. */
  readonly iterator: boolean;
}

/** Chat models and LLMs: the provider request is made in `_generate` or while a stream is pulled. */
export const MODEL_METHODS: readonly RunMethod[] = [
  { name: '_generate', runManagerIndex: 2, iterator: false },
  { name: '_streamResponseChunks', runManagerIndex: 2, iterator: true },
  // @langchain/core ≥ 1.3 streams chat model events through this, without a run manager.
  { name: '_streamChatModelEvents', runManagerIndex: 2, iterator: true },
];

/** Tools: `_call(arg, runManager, parentConfig)`. */
export const TOOL_METHODS: readonly RunMethod[] = [{ name: '_call', runManagerIndex: 1, iterator: false }];

/** The prototype (or the object itself) that holds `name`, walking up from `target`. */
export function ownerOf(target: object, name: string): object | undefined {
  for (
    let o: object | null = target;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    if (Object.prototype.hasOwnProperty.call(o, name)) return o;
  }
  return undefined;
}

/**
 * An async iterator whose every step runs in `ctx`. An async generator's body runs inside `next()`, and the
 * promises it awaits carry the context that was active there, so binding the steps binds the whole body.
 */
export function bindAsyncIterator<T>(iterator: AsyncIterator<T>, ctx: Context): AsyncGenerator<T> {
  const bound: AsyncGenerator<T> = {
    next: (...args: [] | [unknown]) => otelContext.with(ctx, () => iterator.next(...args)),
    return: (value?: unknown) =>
      iterator.return
        ? otelContext.with(ctx, () => iterator.return!(value as T))
        : Promise.resolve({ done: true, value: value as T }),
    throw: (error?: unknown) =>
      iterator.throw
        ? otelContext.with(ctx, () => iterator.throw!(error))
        : Promise.reject(error instanceof Error ? error : new Error(String(error))),
    [Symbol.asyncIterator]() {
      return bound;
    },
    async [Symbol.asyncDispose]() {
      await bound.return(undefined);
    },
  };
  return bound;
}

export function isAsyncIterator(value: unknown): value is AsyncIterator<unknown> {
  return typeof (value as AsyncIterator<unknown> | null)?.next === 'function';
}

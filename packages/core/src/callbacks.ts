import { context, diag, type Context } from '@opentelemetry/api';
import { processSingleton } from './global.js';
import type { LlmCallbackHandler, LlmEndEvent, LlmErrorEvent, LlmStartEvent } from './types.js';

/** Default bound on one handler call. A handler still running after it is abandoned (and logged), never awaited. */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 5_000;

type EventName = 'onLlmStart' | 'onLlmEnd' | 'onLlmError';
type EventOf<E extends EventName> = E extends 'onLlmStart'
  ? LlmStartEvent
  : E extends 'onLlmEnd'
    ? LlmEndEvent
    : LlmErrorEvent;

export interface CompositeCallbackHandlerOptions {
  /** Bound on each handler call, in ms. Default {@link DEFAULT_CALLBACK_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/**
 * Runs several handlers concurrently. Each handler is isolated: a throw, a rejection or a timeout is logged through
 * the OTel diag logger and never reaches the LLM call or the other handlers. Dispatch happens off the caller's
 * stack (on a later macrotask), so even a handler that blocks synchronously does not delay the call it observes.
 */
export class CompositeCallbackHandler implements LlmCallbackHandler {
  readonly name = 'composite';
  private readonly handlers: LlmCallbackHandler[];
  private readonly timeoutMs: number;
  private readonly pending = new Set<Promise<void>>();

  constructor(handlers: Iterable<LlmCallbackHandler> = [], options: CompositeCallbackHandlerOptions = {}) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`CompositeCallbackHandler: timeoutMs must be a positive number, got ${String(timeoutMs)}`);
    }
    this.timeoutMs = timeoutMs;
    this.handlers = [...handlers];
  }

  /** Adds a handler at run time; returns a function that removes it again. */
  add(handler: LlmCallbackHandler): () => void {
    this.handlers.push(handler);
    return () => this.remove(handler);
  }

  remove(handler: LlmCallbackHandler): boolean {
    const index = this.handlers.indexOf(handler);
    if (index < 0) return false;
    this.handlers.splice(index, 1);
    return true;
  }

  get size(): number {
    return this.handlers.length;
  }

  /** True when at least one handler listens to `event`; lets callers skip building events nobody reads. */
  wants(event: EventName): boolean {
    return this.handlers.some((h) => typeof h[event] === 'function');
  }

  onLlmStart(event: LlmStartEvent): Promise<void> {
    return this.dispatch('onLlmStart', event);
  }

  onLlmEnd(event: LlmEndEvent): Promise<void> {
    return this.dispatch('onLlmEnd', event);
  }

  onLlmError(event: LlmErrorEvent): Promise<void> {
    return this.dispatch('onLlmError', event);
  }

  /** Resolves when every dispatch started so far has settled or timed out (for flushing at shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private dispatch<E extends EventName>(name: E, event: EventOf<E>): Promise<void> {
    const targets = this.handlers.filter((h) => typeof h[name] === 'function');
    if (targets.length === 0) return Promise.resolve();
    const done = new Promise<void>((resolve) => {
      setImmediate(() => {
        void Promise.all(targets.map((h) => this.invoke(h, name, event))).then(() => resolve());
      });
    });
    this.pending.add(done);
    void done.then(() => this.pending.delete(done));
    return done;
  }

  private invoke<E extends EventName>(handler: LlmCallbackHandler, name: E, event: EventOf<E>): Promise<void> {
    const label = handler.name ?? handler.constructor?.name ?? 'anonymous';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        diag.warn(`llmtel: callback handler ${label}.${name} did not settle within ${this.timeoutMs} ms; abandoned`);
        resolve();
      }, this.timeoutMs);
      timer.unref();
    });
    const run = (async () => {
      try {
        await (handler[name] as (e: EventOf<E>) => unknown).call(handler, event);
      } catch (err) {
        diag.warn(`llmtel: callback handler ${label}.${name} failed`, err);
      }
    })();
    return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
  }
}

/** Handlers registered for the whole process (shared by the ESM and CJS copies of this package). */
export function globalCallbackHandlers(): CompositeCallbackHandler {
  return processSingleton('callbacks.global', () => new CompositeCallbackHandler());
}

/** Registers a handler for every LLM call in the process; returns a function that unregisters it. */
export function registerLlmCallbackHandler(handler: LlmCallbackHandler): () => void {
  return globalCallbackHandlers().add(handler);
}

const CONTEXT_HANDLERS_KEY = Symbol.for('llmtel.callbacks.context');

/** Runs `fn` with extra handlers that see only the LLM calls made inside it (per request, per job, ...). */
export function withLlmCallbacks<A extends unknown[], R>(
  handlers: LlmCallbackHandler | LlmCallbackHandler[],
  fn: (...args: A) => R,
  ...args: A
): R {
  const active = context.active();
  const outer = active.getValue(CONTEXT_HANDLERS_KEY) as CompositeCallbackHandler | undefined;
  const scoped = new CompositeCallbackHandler([...(outer ? [outer] : []), ...[handlers].flat()]);
  return context.with(active.setValue(CONTEXT_HANDLERS_KEY, scoped), fn, undefined, ...args);
}

const NONE: readonly CompositeCallbackHandler[] = Object.freeze([]);

/** The handlers that apply to a call started in `ctx`: global ones plus those from `withLlmCallbacks`. */
export function callbackHandlersFor(ctx: Context): readonly CompositeCallbackHandler[] {
  const global = globalCallbackHandlers();
  const scoped = ctx.getValue(CONTEXT_HANDLERS_KEY) as CompositeCallbackHandler | undefined;
  if (!scoped) return global.size > 0 ? [global] : NONE;
  return global.size > 0 ? [global, scoped] : [scoped];
}

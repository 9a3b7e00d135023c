import { context, diag, type Context } from '@opentelemetry/api';
import { processSingleton } from './global.js';
import type { LlmCallbackHandler, LlmEndEvent, LlmErrorEvent, LlmStartEvent } from './types.js';

/** Default bound on one handler call. A handler still running after it is abandoned (and logged), never awaited. */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 5_000;

type EventName = 'onLlmStart' | 'onLlmEnd' | 'onLlmError';

export interface CompositeCallbackHandlerOptions {
  /** Bound on each handler call, in ms. Default {@link DEFAULT_CALLBACK_TIMEOUT_MS}. */
  timeoutMs?: number;
}

interface InFlight {
  readonly label: string;
  readonly startedAt: number;
}

/**
 * Runs several handlers concurrently. Each handler is isolated: a throw, a rejection or a timeout is logged through
 * the OTel diag logger and never reaches the LLM call or the other handlers. Events are queued and delivered off the
 * caller's stack, in one batch per event-loop turn, so even a handler that blocks synchronously does not delay the
 * call it observes. Timeouts are enforced by one shared watchdog timer rather than a timer per call: the hot path
 * (an LLM call with handlers registered) allocates the event and nothing else.
 */
export class CompositeCallbackHandler implements LlmCallbackHandler {
  readonly name = 'composite';
  private readonly handlers: LlmCallbackHandler[];
  private readonly timeoutMs: number;
  /** Pairs, flat: an event name, then its event (no tuple per event). */
  private queue: (EventName | LlmStartEvent | LlmEndEvent | LlmErrorEvent)[] = [];
  private drainScheduled = false;
  private readonly inflight = new Map<PromiseLike<unknown>, InFlight>();
  private watchdog: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

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

  onLlmStart(event: LlmStartEvent): void {
    this.enqueue('onLlmStart', event);
  }

  onLlmEnd(event: LlmEndEvent): void {
    this.enqueue('onLlmEnd', event);
  }

  onLlmError(event: LlmErrorEvent): void {
    this.enqueue('onLlmError', event);
  }

  /**
   * Resolves when every event queued so far has been delivered and every handler call has settled or timed out,
   * including those of composites registered as handlers here (for flushing at shutdown).
   */
  async flush(): Promise<void> {
    if (this.queue.length > 0 || this.drainScheduled) this.drain();
    for (const h of this.handlers) if (h instanceof CompositeCallbackHandler) await h.flush();
    if (this.inflight.size === 0) return;
    // Bounded by the handler timeout, on a timer that keeps the process alive meanwhile: the watchdog's is unref'd,
    // so at exit a handler that never settles would otherwise end the process in the middle of this await.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.checkTimeouts();
        resolve();
      }, this.timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private enqueue(name: EventName, event: LlmStartEvent | LlmEndEvent | LlmErrorEvent): void {
    this.queue.push(name, event);
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.drainScheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (let i = 0; i < batch.length; i += 2) {
      const name = batch[i] as EventName;
      const event = batch[i + 1] as LlmStartEvent | LlmEndEvent | LlmErrorEvent;
      for (const handler of this.handlers) {
        const method = handler[name] as ((e: typeof event) => unknown) | undefined;
        if (typeof method === 'function') this.invoke(handler, name, method, event);
      }
    }
  }

  private invoke(handler: LlmCallbackHandler, name: EventName, method: (e: never) => unknown, event: unknown): void {
    let result: unknown;
    try {
      result = method.call(handler, event as never);
    } catch (err) {
      diag.warn(`llmtel: callback handler ${labelOf(handler)}.${name} failed`, err);
      return;
    }
    if (!isThenable(result)) return;
    const label = `${labelOf(handler)}.${name}`;
    this.inflight.set(result, { label, startedAt: performance.now() });
    result.then(
      () => this.settle(result),
      (err: unknown) => {
        if (this.settle(result)) diag.warn(`llmtel: callback handler ${label} failed`, err);
      },
    );
    this.watchdog ??= setInterval(() => this.checkTimeouts(), Math.min(this.timeoutMs, 1_000)).unref();
  }

  /** Forgets a settled handler call; false when it had already been abandoned after its timeout. */
  private settle(promise: PromiseLike<unknown>): boolean {
    const known = this.inflight.delete(promise);
    if (this.inflight.size === 0) this.idle();
    return known;
  }

  private checkTimeouts(): void {
    const now = performance.now();
    for (const [promise, call] of this.inflight) {
      if (now - call.startedAt >= this.timeoutMs) {
        this.inflight.delete(promise);
        diag.warn(`llmtel: callback handler ${call.label} did not settle within ${this.timeoutMs} ms; abandoned`);
      }
    }
    if (this.inflight.size === 0) this.idle();
  }

  private idle(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function labelOf(handler: LlmCallbackHandler): string {
  return handler.name ?? handler.constructor?.name ?? 'anonymous';
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/** Looked up once at load: every call reads it, and the process-wide registry is only needed to find it. */
const GLOBAL_HANDLERS = processSingleton('callbacks.global', () => new CompositeCallbackHandler());

/** Handlers registered for the whole process (shared by the ESM and CJS copies of this package). */
export function globalCallbackHandlers(): CompositeCallbackHandler {
  return GLOBAL_HANDLERS;
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
const GLOBAL_ONLY: readonly CompositeCallbackHandler[] = Object.freeze([GLOBAL_HANDLERS]);

/** The handlers that apply to a call started in `ctx`: global ones plus those from `withLlmCallbacks`. */
export function callbackHandlersFor(ctx: Context): readonly CompositeCallbackHandler[] {
  const global = GLOBAL_HANDLERS;
  const scoped = ctx.getValue(CONTEXT_HANDLERS_KEY) as CompositeCallbackHandler | undefined;
  if (!scoped) return global.size > 0 ? GLOBAL_ONLY : NONE;
  return global.size > 0 ? [global, scoped] : [scoped];
}

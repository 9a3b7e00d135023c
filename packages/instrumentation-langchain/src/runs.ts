import { context as otelContext, diag, type Context } from '@opentelemetry/api';
import type { RunManagerLike, RunState } from './internal-types.js';

/**
 * Runs LangChain never ends (an abandoned stream, a process-wide cancellation) must not grow the registry without
 * bound; past this many, the oldest is forgotten (its span is then never exported).
 */
const MAX_RUNS = 10_000;

/**
 * What an entry point (a model's `_generateUncached`, a tool's `call`) knows about the run it is about to start:
 * the run it then started, for provider calls LangChain makes without a run manager, and the tool's own name,
 * which LangChain does not hand to callbacks for tool classes.
 */
interface PendingRun {
  runId?: string;
  name?: string;
}

/** The runs in flight, by LangChain run id, and the contexts their work runs in. */
export class RunRegistry {
  private readonly runs = new Map<string, RunState>();
  /** Private to this registry: each instrumentation instance (and each module copy) tracks its own runs. */
  private readonly pendingKey = Symbol('llmtel.langchain.pendingRun');

  get(runId: unknown): RunState | undefined {
    return typeof runId === 'string' ? this.runs.get(runId) : undefined;
  }

  set(runId: string, state: RunState): void {
    this.runs.set(runId, state);
    if (this.runs.size > MAX_RUNS) {
      const oldest = this.runs.keys().next().value;
      if (oldest !== undefined) {
        this.runs.delete(oldest);
        diag.debug(`llmtel langchain: more than ${MAX_RUNS} runs in flight; forgot run ${oldest}`);
      }
    }
    const pending = otelContext.active().getValue(this.pendingKey) as PendingRun | undefined;
    if (pending !== undefined) pending.runId = runId;
  }

  take(runId: unknown): RunState | undefined {
    const state = this.get(runId);
    if (state !== undefined) this.runs.delete(runId as string);
    return state;
  }

  get size(): number {
    return this.runs.size;
  }

  /** `ctx` with a slot that records the next run started in it (an entry point's own run). */
  withPendingSlot(ctx: Context, name?: string): Context {
    return ctx.setValue(this.pendingKey, { name } satisfies PendingRun);
  }

  /** The name the entry point of the run starting now gave it. */
  pendingName(): string | undefined {
    return (otelContext.active().getValue(this.pendingKey) as PendingRun | undefined)?.name;
  }

  /**
   * The context a provider call made for a run should run in: that of the run its run manager names, else the run
   * its model entry point started (LangChain calls `_streamChatModelEvents` without a run manager).
   */
  contextFor(runManager: unknown): Context | undefined {
    const runId = (runManager as RunManagerLike | undefined)?.runId;
    const byManager = this.get(runId)?.context;
    if (byManager !== undefined) return byManager;
    const pending = otelContext.active().getValue(this.pendingKey) as PendingRun | undefined;
    return this.get(pending?.runId)?.context;
  }
}

import { trace, type Context, type Span } from '@opentelemetry/api';
import { processSingleton } from './global.js';

/**
 * Which span owns the usage of a provider request when a framework span wraps it.
 *
 * A framework (LangChain, the Vercel AI SDK) makes a span per model call, and the provider SDK underneath may be
 * instrumented too (LangChain's ChatOpenAI over the `openai` SDK) or not (an integration that calls `fetch`). The
 * framework cannot know which when its span starts, so its span is *deferred*: it opens a {@link BillingScope}, and
 * every billable call started under that scope (in its context, or as a child of its span) marks it. When the
 * framework span ends it {@link BillingScope.settle settles}: billable only when no call under it was, so exactly
 * one span per provider request carries `llmtel.usage.billable=true` and the token and cost metrics.
 *
 * A deferred span that settles billable marks the scopes around it too: a framework span over another framework
 * span over a raw `fetch` leaves the usage with the innermost one.
 */
export class BillingScope {
  /** The scope of the span this one is nested in, if any. */
  readonly parent: BillingScopeLike | undefined;
  private childBillable = false;
  private decision: boolean | undefined;

  constructor(parent?: BillingScopeLike) {
    this.parent = parent;
  }

  /** A billable call was started under this scope (so far). */
  get childOwnsUsage(): boolean {
    return this.childBillable;
  }

  /** Records that a billable call started under this scope; every enclosing scope hands its usage down too. */
  markChildBillable(): void {
    if (this.childBillable) return;
    this.childBillable = true;
    this.parent?.markChildBillable();
  }

  /**
   * Decides, once, whether the deferred span owns the usage: true when no billable call was started under it. The
   * first decision sticks, so a call that starts after its wrapper ended cannot flip a span already exported.
   */
  settle(): boolean {
    if (this.decision === undefined) {
      this.decision = !this.childBillable;
      if (this.decision) this.parent?.markChildBillable();
    }
    return this.decision;
  }
}

/**
 * What the ESM and CJS copies of this module agree on: a scope made by one copy is found and marked by the other
 * (an app can load both), so lookups are duck-typed rather than `instanceof`.
 */
export interface BillingScopeLike {
  markChildBillable(): void;
  settle(): boolean;
}

const SCOPE_KEY = Symbol.for('llmtel.billing.scope');

/** Scopes of spans whose context llmtel does not create (the AI SDK starts its own spans and contexts). */
const SPAN_SCOPES = processSingleton('billing.spanScopes', () => new WeakMap<object, BillingScopeLike>());

function asScope(value: unknown): BillingScopeLike | undefined {
  return typeof value === 'object' &&
    value !== null &&
    typeof (value as BillingScopeLike).markChildBillable === 'function' &&
    typeof (value as BillingScopeLike).settle === 'function'
    ? (value as BillingScopeLike)
    : undefined;
}

/** `ctx` with `scope` in effect: billable calls started in it (or in contexts derived from it) mark the scope. */
export function withBillingScope(ctx: Context, scope: BillingScopeLike): Context {
  return ctx.setValue(SCOPE_KEY, scope);
}

/**
 * Ties `scope` to `span`, for spans created by code that builds its own contexts from the span alone (a span
 * processor sees the span, never the context its creator puts it in). Held weakly: the entry goes with the span.
 */
export function registerSpanBillingScope(span: Span, scope: BillingScopeLike): void {
  SPAN_SCOPES.set(span, scope);
}

/**
 * The billing scope in effect in `ctx`: the innermost of the one set with {@link withBillingScope} and the one
 * registered for the active span. The active span's scope wins when it is not the context's own (the span was
 * started inside the context's scope, so it is the inner one).
 */
export function billingScopeOf(ctx: Context): BillingScopeLike | undefined {
  const span = trace.getSpan(ctx);
  const bySpan = span === undefined ? undefined : SPAN_SCOPES.get(span);
  return bySpan ?? asScope(ctx.getValue(SCOPE_KEY));
}

/** Called as a billable call starts in `parent`: the wrapper spans around it hand their usage to it. */
export function markBillableCall(parent: Context): void {
  billingScopeOf(parent)?.markChildBillable();
}

import { context, propagation, type Context } from '@opentelemetry/api';
import type { LlmAttribution } from './types.js';

/** A `Symbol.for` key so the ESM and CJS copies of this package read the same context value. */
const ATTRIBUTION_KEY = Symbol.for('llmtel.attribution');

/** W3C baggage keys an upstream gateway may set (https://www.w3.org/TR/baggage/). */
export const BAGGAGE_USER_ID = 'user.id';
export const BAGGAGE_SESSION_ID = 'session.id';

const EMPTY: LlmAttribution = Object.freeze({});

/**
 * Runs `fn` with LLM call attribution on the active OpenTelemetry context: every LLM call made inside (also in
 * callbacks and promises started there) carries `user.id`, `gen_ai.conversation.id`, `gen_ai.agent.name` and
 * `llmtel.tenant.id`. Nested calls override the fields they set and keep the others.
 */
export function withLlmContext<A extends unknown[], R>(
  attribution: LlmAttribution,
  fn: (...args: A) => R,
  ...args: A
): R {
  const active = context.active();
  const outer = active.getValue(ATTRIBUTION_KEY) as LlmAttribution | undefined;
  const merged = outer ? mergeAttribution(outer, attribution) : { ...attribution };
  return context.with(active.setValue(ATTRIBUTION_KEY, merged), fn, undefined, ...args);
}

/** The attribution in effect: explicit `withLlmContext` values first, then W3C baggage. */
export function getLlmAttribution(ctx: Context = context.active()): LlmAttribution {
  const explicit = ctx.getValue(ATTRIBUTION_KEY) as LlmAttribution | undefined;
  const baggage = propagation.getBaggage(ctx);
  if (!baggage) return explicit ?? EMPTY;
  const userId = explicit?.userId ?? baggage.getEntry(BAGGAGE_USER_ID)?.value;
  const sessionId = explicit?.sessionId ?? baggage.getEntry(BAGGAGE_SESSION_ID)?.value;
  if (userId === explicit?.userId && sessionId === explicit?.sessionId) return explicit ?? EMPTY;
  return { ...explicit, userId, sessionId };
}

function mergeAttribution(outer: LlmAttribution, inner: LlmAttribution): LlmAttribution {
  const merged: LlmAttribution = { ...outer };
  for (const key of ['userId', 'sessionId', 'agentName', 'tenantId'] as const) {
    if (inner[key] !== undefined) merged[key] = inner[key];
  }
  if (inner.attributes) merged.attributes = { ...outer.attributes, ...inner.attributes };
  return merged;
}

import { diag, type Tracer } from '@opentelemetry/api';
import { interceptNativeSpans, isInterceptingTracer, type NativeSpanMatcher, isObject } from '@llmtel/core';
import type { ClientLike } from './internal-types.js';

/** The name of the span the SDK starts for `messages.create`, `beta.messages.create` and their stream helpers. */
export const NATIVE_MESSAGES_SPAN = 'anthropic.messages.create';

const matchesMessagesSpan: NativeSpanMatcher = (name) => name === NATIVE_MESSAGES_SPAN;

const WARNED = Symbol.for('llmtel.anthropic.warnedNativeTracing');

function warnOnce(message: string, error?: unknown): void {
  const holder = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (holder[WARNED] === true) return;
  holder[WARNED] = true;
  diag.warn(message, error);
}

function tracesEnabled(option: unknown): boolean {
  return isObject(option) && isObject(option.traces) && option.traces.enabled === true;
}

/**
 * Routes the `messages.create` spans of a client's own tracing (@anthropic-ai/sdk 0.134 and later) to llmtel's
 * claims, so that each request keeps one span. The SDK starts every span of a client from the tracer it settled at
 * construction, `client._tracer` (undefined when its tracing is off), so wrapping that tracer once per client is
 * enough; its other spans (`models.list`, batches, the tool runner's) are left alone. Idempotent.
 */
export function interceptClientSpans(client: ClientLike | undefined): void {
  if (!isObject(client)) return;
  const tracer = client._tracer;
  if (tracer === undefined || tracer === null) {
    if (!('_tracer' in client) && tracesEnabled(client.openTelemetry)) {
      warnOnce(
        'llmtel anthropic: this @anthropic-ai/sdk traces itself in a way llmtel does not know; each messages call ' +
          "may have two spans. Set openTelemetry: false on the client to keep llmtel's alone.",
      );
    }
    return;
  }
  if (isInterceptingTracer(tracer) || typeof (tracer as Partial<Tracer>).startSpan !== 'function') return;
  try {
    client._tracer = interceptNativeSpans(tracer as Tracer, matchesMessagesSpan);
  } catch (error) {
    warnOnce("llmtel anthropic: could not reach the SDK's tracer; each messages call may have two spans", error);
  }
}

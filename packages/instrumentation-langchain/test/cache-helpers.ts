import assert from 'node:assert/strict';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { SpanStatusCode } from '@opentelemetry/api';
import { ATTR_LLMTEL_CACHE_HIT } from '@llmtel/instrumentation-langchain';
import { pointsWhere, type Harness } from './helpers.ts';

export function startOrder(spans: readonly ReadableSpan[]): ReadableSpan[] {
  const time = (s: ReadableSpan) => s.startTime[0] * 1e9 + s.startTime[1];
  return [...spans].sort((a, b) => time(a) - time(b));
}

export function usageKeys(span: ReadableSpan): string[] {
  return Object.keys(span.attributes).filter((k) => k.startsWith('gen_ai.usage.') || k === 'llmtel.usage.cost_usd');
}

export async function metricCount(h: Harness, metric: string, model: string): Promise<number> {
  const points = pointsWhere((await h.metrics()).get(metric), { 'gen_ai.request.model': model });
  return points.reduce((n, p) => n + p.value.count, 0);
}

/** Lets the callback composite deliver what it queued (it delivers on the next event-loop turn). */
export function delivered(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function assertServedFromCache(hit: ReadableSpan): void {
  assert.equal(hit.attributes[ATTR_LLMTEL_CACHE_HIT], true);
  assert.equal(hit.attributes['llmtel.usage.billable'], false);
  assert.deepEqual(usageKeys(hit), [], 'no usage and no cost: LangChain reports zero tokens, not a measurement');
  assert.equal(hit.status.code, SpanStatusCode.UNSET);
}

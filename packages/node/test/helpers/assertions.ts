import assert from 'node:assert/strict';
import type { OtlpReceived, OtlpTransport, ReceivedSpan } from '@llmtel/test-utils';

export function llmSpans(received: OtlpReceived): ReceivedSpan[] {
  return received.spans.filter((s) => s.attributes['gen_ai.operation.name'] !== undefined);
}

/** Everything the "calls" scenario must produce: three LLM spans with usage, cost and attribution, and metrics. */
export function assertCallsScenario(
  received: OtlpReceived,
  transports: { traces: OtlpTransport; metrics: OtlpTransport },
): void {
  const spans = llmSpans(received);
  assert.deepEqual(spans.map((s) => s.name).sort(), [
    'chat gpt-4o-mini',
    'chat gpt-4o-mini',
    'embeddings text-embedding-3-small',
  ]);
  for (const span of spans) {
    assert.equal(span.transport, transports.traces);
    assert.equal(span.kind, 'CLIENT');
    assert.equal(span.attributes['gen_ai.provider.name'], 'openai');
    assert.equal(span.attributes['user.id'], 'user-123');
    assert.equal(span.attributes['gen_ai.conversation.id'], 'session-9');
    assert.equal(span.attributes['gen_ai.agent.name'], 'test-agent');
    assert.equal(span.resource['service.name'], 'llmtel-node-test');
    const cost = span.attributes['llmtel.usage.cost_usd'];
    assert.ok(typeof cost === 'number' && cost > 0, `${span.name}: cost ${JSON.stringify(cost)}`);
  }
  const [plain, streamed] = spans
    .filter((s) => s.name === 'chat gpt-4o-mini')
    .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
  assert.equal(plain?.attributes['gen_ai.usage.input_tokens'], 22);
  assert.equal(plain?.attributes['gen_ai.usage.output_tokens'], 3);
  assert.equal(plain?.attributes['gen_ai.response.model'], 'gpt-4o-mini-2024-07-18');
  assert.equal(streamed?.attributes['gen_ai.usage.input_tokens'], 22);
  assert.equal(streamed?.attributes['gen_ai.usage.output_tokens'], 4);
  const embeddings = spans.find((s) => s.name.startsWith('embeddings'));
  assert.equal(embeddings?.attributes['gen_ai.usage.input_tokens'], 8);

  const metricNames = new Set(received.metrics.map((m) => m.name));
  for (const name of ['gen_ai.client.token.usage', 'gen_ai.client.operation.duration']) {
    assert.ok(metricNames.has(name), `metric ${name} missing; got ${[...metricNames].join(', ')}`);
  }
  for (const metric of received.metrics) assert.equal(metric.transport, transports.metrics);
  const tokenUsage = received.metrics
    .filter((m) => m.name === 'gen_ai.client.token.usage')
    .flatMap((m) => m.dataPoints);
  for (const point of tokenUsage) assert.equal(point.attributes['user.id'], undefined, 'metrics never carry a user id');
}

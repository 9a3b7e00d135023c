import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { PricingTable, type TokenUsage } from '@llmtel/core';
import type { Fixture } from '@llmtel/test-utils';
import type { Recorded } from './expectations.ts';
import { expectedUsageAttributes, modelIdOf, usageAttributesOf, type Harness } from './helpers.ts';

function usageOf(attributes: Record<string, number>): TokenUsage {
  return {
    inputTokens: attributes['gen_ai.usage.input_tokens'],
    outputTokens: attributes['gen_ai.usage.output_tokens'],
    cacheReadInputTokens: attributes['gen_ai.usage.cache_read.input_tokens'],
    cacheCreationInputTokens: attributes['gen_ai.usage.cache_creation.input_tokens'],
  };
}

/**
 * Asserts the span of one successful call against the exchange that answered it (`final`) and what the recording
 * says: name, kind, provider, raw model id, target, request parameters, finish reasons, id, usage under the
 * conventions' rules, cost from the shipped prices, no content.
 */
export function checkSpan(h: Harness, span: ReadableSpan, final: Fixture, expected: Recorded): void {
  const modelId = modelIdOf(final);
  assert.equal(span.name, `${expected.operation} ${modelId}`);
  assert.equal(span.kind, SpanKind.CLIENT);
  assert.equal(span.status.code, SpanStatusCode.UNSET);
  assert.equal(span.attributes['error.type'], undefined);
  assert.equal(span.attributes['gen_ai.operation.name'], expected.operation);
  assert.equal(span.attributes['gen_ai.provider.name'], 'aws.bedrock');
  assert.equal(span.attributes['gen_ai.request.model'], modelId);
  assert.equal(span.attributes['gen_ai.response.model'], undefined, 'Bedrock names no other model');
  assert.equal(span.attributes['server.address'], '127.0.0.1');
  assert.equal(span.attributes['server.port'], h.endpointPort);
  assert.equal(span.attributes['aws.request_id'], final.response.headers['x-amzn-requestid']);
  assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], expected.finishReasons);
  assert.equal(span.attributes['gen_ai.response.id'], expected.responseId);
  assert.equal(span.attributes['gen_ai.request.max_tokens'], expected.maxTokens);
  assert.equal(span.attributes['gen_ai.request.temperature'], expected.temperature);
  assert.equal(span.attributes['gen_ai.request.top_p'], expected.topP);
  assert.equal(span.attributes['gen_ai.request.top_k'], expected.topK);
  assert.deepEqual(span.attributes['gen_ai.request.stop_sequences'], expected.stopSequences);
  for (const [key, value] of Object.entries(expected.attributes ?? {})) {
    assert.deepEqual(span.attributes[key], value, key);
  }
  for (const key of Object.keys(span.attributes)) {
    assert.ok(!key.startsWith('gen_ai.input') && !key.startsWith('gen_ai.output.messages'), `${key} captured`);
    assert.ok(!key.startsWith('gen_ai.system_instructions'), `${key} captured`);
  }

  const usage = expectedUsageAttributes(final.usage);
  assert.ok(Object.keys(usage).length >= 1, 'the exchange reports usage');
  assert.deepEqual(usageAttributesOf(span), usage);
  assert.equal(span.attributes['llmtel.usage.estimated'], false);
  assert.equal(span.attributes['llmtel.usage.billable'], true);
  const cost = PricingTable.defaults().cost('aws.bedrock', modelId, usageOf(usage));
  assert.ok(cost !== undefined && cost > 0, `${modelId} is priced`);
  assert.equal(span.attributes['llmtel.usage.cost_usd'], cost);
}

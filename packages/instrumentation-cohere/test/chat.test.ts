import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { PricingTable } from '@llmtel/core';
import { tokenUsageAdded } from '@llmtel/test-utils';
import { cohereFixture, LLMTEL_SCOPE, NO_RETRIES, setup, type Harness } from './helpers.ts';

const SYSTEM = 'You are a concise assistant.';
const QUESTION = 'Name the three primary colours.';

/** Cohere's published direct-API prices (https://cohere.com/pricing), USD per million tokens. */
const COHERE_PRICES = new PricingTable([
  { provider: 'cohere', model: 'command-a-03-2025', input: 2.5, output: 10, effectiveFrom: '2025-03-13' },
  { provider: 'cohere', model: 'embed-v4.0', kind: 'embeddings', input: 0.12, output: 0, effectiveFrom: '2025-04-15' },
]);

describe('CohereClientV2.chat', () => {
  let h: Harness;
  before(async () => {
    h = await setup({ pricing: COHERE_PRICES });
  });
  after(() => h.close());
  beforeEach(() => h.reset());

  it('makes one CLIENT span with the request, the response, the billed usage and a cost', async () => {
    const fixture = cohereFixture('chat');
    h.fake.enqueue(fixture);
    const result = await h.client().chat(
      {
        model: 'command-a-03-2025',
        temperature: 0.3,
        maxTokens: 200,
        p: 0.75,
        k: 40,
        seed: 7,
        stopSequences: ['END'],
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: QUESTION },
        ],
      },
      NO_RETRIES,
    );
    assert.equal(result.finishReason, 'COMPLETE');

    const span = await h.theSpan();
    assert.equal(span.instrumentationScope.name, LLMTEL_SCOPE);
    assert.equal(span.name, 'chat command-a-03-2025');
    assert.equal(span.kind, SpanKind.CLIENT);
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    const a = span.attributes;
    assert.equal(a['gen_ai.provider.name'], 'cohere');
    assert.equal(a['gen_ai.operation.name'], 'chat');
    assert.equal(a['gen_ai.request.model'], 'command-a-03-2025');
    assert.equal(a['gen_ai.request.temperature'], 0.3);
    assert.equal(a['gen_ai.request.max_tokens'], 200);
    assert.equal(a['gen_ai.request.top_p'], 0.75);
    assert.equal(a['gen_ai.request.top_k'], 40);
    assert.equal(a['gen_ai.request.seed'], 7);
    assert.deepEqual(a['gen_ai.request.stop_sequences'], ['END']);
    assert.equal(a['gen_ai.response.id'], 'c14c80c3-18eb-4519-9460-6c92edd8cfb4');
    assert.equal(a['gen_ai.response.model'], undefined, 'a v2 chat response names no model');
    assert.deepEqual(a['gen_ai.response.finish_reasons'], ['COMPLETE']);
    assert.equal(a['server.address'], '127.0.0.1');
    assert.equal(a['server.port'], h.fake.port);
    // The billed units, not the model-level `tokens` (513 / 46), which include tokens Cohere adds itself.
    assert.equal(a['gen_ai.usage.input_tokens'], fixture.usage!.input_tokens);
    assert.equal(a['gen_ai.usage.output_tokens'], fixture.usage!.output_tokens);
    assert.equal(a['gen_ai.usage.cache_read.input_tokens'], undefined, 'cached_tokens: 0');
    assert.equal(a['llmtel.usage.billable'], true);
    assert.equal(a['llmtel.usage.estimated'], false);
    assert.equal(a['llmtel.usage.cost_usd'], (17 * 2.5 + 44 * 10) / 1e6);
  });

  it('records one token usage sample per token type', async () => {
    const attrs = { 'gen_ai.provider.name': 'cohere', 'gen_ai.request.model': 'command-a-03-2025' };
    const added = await tokenUsageAdded(h.metrics, attrs, async () => {
      h.fake.enqueue(cohereFixture('chat'));
      await h
        .client()
        .chat({ model: 'command-a-03-2025', messages: [{ role: 'user', content: QUESTION }] }, NO_RETRIES);
      await h.theSpan();
    });
    assert.deepEqual(added, { input: { sum: 17, count: 1 }, output: { sum: 44, count: 1 } });
  });

  it('maps cache hits and tool calls', async () => {
    const fixture = cohereFixture('chat-tool-call-cached');
    h.fake.enqueue(fixture);
    const result = await h
      .client()
      .chat(
        { model: 'command-a-03-2025', messages: [{ role: 'user', content: 'What is the weather in Toronto?' }] },
        NO_RETRIES,
      );
    assert.equal(result.message.toolCalls![0]!.function!.name, 'get_weather');
    const a = (await h.theSpan()).attributes;
    assert.equal(a['gen_ai.usage.input_tokens'], fixture.usage!.input_tokens);
    assert.equal(a['gen_ai.usage.output_tokens'], fixture.usage!.output_tokens);
    assert.equal(a['gen_ai.usage.cache_read.input_tokens'], fixture.usage!.cache_read_input_tokens);
    assert.deepEqual(a['gen_ai.response.finish_reasons'], ['TOOL_CALL']);
    assert.equal(typeof a['llmtel.usage.cost_usd'], 'number');
  });

  it('withRawResponse() still works and is observed', async () => {
    h.fake.enqueue(cohereFixture('chat'));
    const { data, rawResponse } = await h
      .client()
      .chat({ model: 'command-a-03-2025', messages: [{ role: 'user', content: QUESTION }] }, NO_RETRIES)
      .withRawResponse();
    assert.equal(data.id, 'c14c80c3-18eb-4519-9460-6c92edd8cfb4');
    assert.equal(rawResponse.status, 200);
    const span = await h.theSpan();
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 44);
  });

  it('client.v2.chat of the v1 client is the same method', async () => {
    const { CohereClient } = await import('cohere-ai');
    h.fake.enqueue(cohereFixture('chat'));
    const v1 = new CohereClient({ token: 'test-key', environment: h.fake.url });
    await v1.v2.chat({ model: 'command-a-03-2025', messages: [{ role: 'user', content: QUESTION }] }, NO_RETRIES);
    const span = await h.theSpan();
    assert.equal(span.name, 'chat command-a-03-2025');
  });
});

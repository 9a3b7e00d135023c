import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { PricingTable, type ModelPrice } from '@llmtel/core';
import { collect, pointsWhere, setup, type Harness } from './helpers.ts';
import { syntheticMessage, syntheticStream } from './synthetic.ts';

const PRICE: ModelPrice = {
  provider: 'anthropic',
  model: 'claude-cache-test',
  input: 3,
  output: 15,
  cacheWrite: 3.75,
  cacheRead: 0.3,
  effectiveFrom: '2025-01-01',
};

const body = (stream: boolean) => ({
  model: 'claude-cache-test',
  max_tokens: 256,
  system: [{ type: 'text', text: 'A long, cached system prompt.', cache_control: { type: 'ephemeral' } }],
  messages: [{ role: 'user', content: 'Say hello.' }],
  ...(stream ? { stream: true } : {}),
});

describe('prompt caching', () => {
  let h: Harness;
  before(async () => {
    h = await setup({ pricing: new PricingTable([PRICE]) });
  });
  after(() => h.close());
  beforeEach(() => h.reset());

  it('adds cache reads and writes into the input tokens and prices each class at its own rate', async () => {
    const usage = {
      input_tokens: 20,
      cache_creation_input_tokens: 1500,
      cache_read_input_tokens: 3000,
      output_tokens: 100,
    };
    h.fake.enqueue(syntheticMessage({ model: 'claude-cache-test', usage }));
    await h.client().messages.create(body(false) as never);
    const [span] = await h.waitForSpans(1);
    const a = span!.attributes;
    assert.equal(a['gen_ai.usage.input_tokens'], 4520);
    assert.equal(a['gen_ai.usage.cache_read.input_tokens'], 3000);
    assert.equal(a['gen_ai.usage.cache_creation.input_tokens'], 1500);
    assert.equal(a['gen_ai.usage.output_tokens'], 100);
    // 20 × $3 + 1500 × $3.75 + 3000 × $0.30 + 100 × $15, per million tokens
    assert.ok(Math.abs((a['llmtel.usage.cost_usd'] as number) - 0.008085) < 1e-12);
    const cost = (await h.metrics()).get('llmtel.client.cost_usd');
    const points = pointsWhere<number>(cost, { 'gen_ai.request.model': 'claude-cache-test' });
    assert.ok(Math.abs(points.reduce((n, p) => n + p.value, 0) - 0.008085) < 1e-12);
  });

  it("reads a stream's usage from message_start overlaid with message_delta (whose output count is final)", async () => {
    h.fake.enqueue(
      syntheticStream({
        model: 'claude-cache-test',
        startUsage: {
          input_tokens: 20,
          cache_creation_input_tokens: 1500,
          cache_read_input_tokens: 0,
          output_tokens: 1,
        },
        deltaUsage: {
          input_tokens: 20,
          cache_creation_input_tokens: null,
          cache_read_input_tokens: 3000,
          output_tokens: 42,
        },
      }),
    );
    const stream = await h.client().messages.create(body(true) as never);
    await collect(stream as unknown as AsyncIterable<unknown>);
    const [span] = await h.waitForSpans(1);
    const a = span!.attributes;
    assert.equal(a['gen_ai.usage.input_tokens'], 4520, "null in message_delta keeps message_start's count");
    assert.equal(a['gen_ai.usage.cache_read.input_tokens'], 3000);
    assert.equal(a['gen_ai.usage.cache_creation.input_tokens'], 1500);
    assert.equal(a['gen_ai.usage.output_tokens'], 42, "not message_start's placeholder");
    assert.equal(a['llmtel.usage.estimated'], false);
    // 20 × $3 + 1500 × $3.75 + 3000 × $0.30 + 42 × $15, per million tokens
    assert.ok(Math.abs((a['llmtel.usage.cost_usd'] as number) - 0.007215) < 1e-12);
  });

  it('without cache tokens, input is input_tokens alone and the cache attributes say 0 as reported', async () => {
    h.fake.enqueue(
      syntheticMessage({
        model: 'claude-cache-test',
        usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: null, cache_read_input_tokens: 0 },
      }),
    );
    await h.client().messages.create(body(false) as never);
    const [span] = await h.waitForSpans(1);
    assert.equal(span!.attributes['gen_ai.usage.input_tokens'], 10);
    assert.equal(span!.attributes['gen_ai.usage.cache_read.input_tokens'], 0);
    assert.equal(span!.attributes['gen_ai.usage.cache_creation.input_tokens'], undefined, 'null: not reported');
  });
});

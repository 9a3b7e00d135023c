import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { PricingTable, withLlmCallbacks, type LlmCallbackHandler, type LlmEndEvent } from '@llmtel/core';
import { collect, pointsWhere, setup, type Harness } from './helpers.ts';
import { syntheticMessage, syntheticStream, type SyntheticUsage } from './synthetic.ts';

// Cache writes with a 1-hour TTL (`cache_control: { type: 'ephemeral', ttl: '1h' }`) cost 2x the input price, 5-minute
// ones 1.25x; the usage object tells them apart in `cache_creation`
// (https://platform.claude.com/docs/en/build-with-claude/prompt-caching#1-hour-cache-duration). The recordings have
// no such writes, so the exchanges are synthetic (see synthetic.ts).

// The shipped price of claude-sonnet-4-6: $3 input, $0.30 cache read, $3.75 5-minute write, $6 1-hour write,
// $15 output per million tokens.
const MODEL = 'claude-sonnet-4-6';

const body = (stream: boolean) => ({
  model: MODEL,
  max_tokens: 256,
  system: [
    { type: 'text', text: 'A long reference manual.', cache_control: { type: 'ephemeral', ttl: '1h' } },
    { type: 'text', text: 'A long, changing preamble.', cache_control: { type: 'ephemeral', ttl: '5m' } },
  ],
  messages: [{ role: 'user', content: 'Say hello.' }],
  ...(stream ? { stream: true } : {}),
});

const usage = (fiveMinutes: number, oneHour: number): SyntheticUsage => ({
  input_tokens: 20,
  cache_creation_input_tokens: fiveMinutes + oneHour,
  cache_read_input_tokens: 3000,
  output_tokens: 100,
  cache_creation: { ephemeral_5m_input_tokens: fiveMinutes, ephemeral_1h_input_tokens: oneHour },
});

describe('1-hour prompt-cache writes', { timeout: 20_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await setup({ pricing: PricingTable.defaults() });
  });
  after(() => h.close());
  beforeEach(() => h.reset());

  /** Sends one request, consuming a stream; the end event the call's callbacks got, and its one span. */
  async function call(stream: boolean) {
    // Callbacks are delivered off the call's stack; the suite's timeout bounds the wait.
    let handler: LlmCallbackHandler = {};
    const ended = new Promise<LlmEndEvent>((resolve) => {
      handler = { onLlmEnd: resolve };
    });
    const result = await withLlmCallbacks(handler, () => h.client().messages.create(body(stream) as never));
    if (stream) await collect(result as unknown as AsyncIterable<unknown>);
    const [span] = await h.waitForSpans(1);
    return { event: await ended, attributes: span!.attributes };
  }

  async function costSum(): Promise<number> {
    const cost = (await h.metrics()).get('llmtel.client.cost_usd');
    return pointsWhere<number>(cost, { 'gen_ai.request.model': MODEL }).reduce((n, p) => n + p.value, 0);
  }

  it('bills the 1-hour writes of a response at the 1-hour price', async () => {
    const costBefore = await costSum();
    h.fake.enqueue(syntheticMessage({ model: MODEL, usage: usage(500, 1000) }));
    const { event, attributes: a } = await call(false);
    assert.equal(event.usage.cacheCreationInputTokens, 1500);
    assert.equal(event.usage.cacheCreation1hInputTokens, 1000);
    assert.equal(a['gen_ai.usage.input_tokens'], 4520);
    assert.equal(a['gen_ai.usage.cache_creation.input_tokens'], 1500, 'all writes, whatever their TTL');
    // (The SDK's own tracing, 0.134+, may merge its `anthropic.usage.cache_creation.*` attributes in.)
    assert.deepEqual(
      Object.keys(a).filter((key) => /^(gen_ai|llmtel)\./.test(key) && /1h|ephemeral|ttl/i.test(key)),
      [],
      'no llmtel attribute beyond the contract',
    );
    // 20 × 3 + 3,000 × 0.30 + 500 × 3.75 + 1,000 × 6 + 100 × 15 = 60 + 900 + 1,875 + 6,000 + 1,500
    //   = 10,335 µ$ → $0.010335
    assert.ok(Math.abs((a['llmtel.usage.cost_usd'] as number) - 0.010335) < 1e-12, String(a['llmtel.usage.cost_usd']));
    assert.ok(Math.abs((await costSum()) - costBefore - 0.010335) < 1e-12, 'the cost metric counts the same');
  });

  it('costs more than the same writes with a 5-minute TTL, or reported without the breakdown', async () => {
    const costs: number[] = [];
    const older: SyntheticUsage = { ...usage(1500, 0) };
    delete older.cache_creation;
    for (const reported of [usage(0, 1500), usage(1500, 0), older]) {
      h.reset();
      h.fake.enqueue(syntheticMessage({ model: MODEL, usage: reported }));
      const { attributes } = await call(false);
      costs.push(attributes['llmtel.usage.cost_usd'] as number);
    }
    // All 1-hour: 60 + 900 + 1,500 × 6 + 1,500 = 11,460 µ$. All 5-minute, or older API versions without
    // `cache_creation` (billed as 5-minute writes): 60 + 900 + 1,500 × 3.75 + 1,500 = 8,085 µ$.
    const expected = [0.01146, 0.008085, 0.008085];
    costs.forEach((cost, i) => assert.ok(Math.abs(cost - expected[i]!) < 1e-12, `${i}: ${cost}`));
  });

  it("takes a stream's cache writes by TTL from message_start (message_delta does not repeat them)", async () => {
    h.fake.enqueue(
      syntheticStream({
        model: MODEL,
        startUsage: { ...usage(0, 1500), output_tokens: 1 },
        deltaUsage: {
          input_tokens: 20,
          cache_creation_input_tokens: 1500,
          cache_read_input_tokens: 3000,
          output_tokens: 42,
        },
      }),
    );
    const { event, attributes: a } = await call(true);
    assert.equal(event.usage.cacheCreation1hInputTokens, 1500);
    assert.equal(a['gen_ai.usage.output_tokens'], 42);
    assert.equal(a['llmtel.usage.estimated'], false);
    // 20 × 3 + 3,000 × 0.30 + 1,500 × 6 + 42 × 15 = 60 + 900 + 9,000 + 630 = 10,590 µ$ → $0.01059
    assert.ok(Math.abs((a['llmtel.usage.cost_usd'] as number) - 0.01059) < 1e-12, String(a['llmtel.usage.cost_usd']));
  });
});

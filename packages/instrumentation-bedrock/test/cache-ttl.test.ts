import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Fixture } from '@llmtel/test-utils';
import { PricingTable } from '@llmtel/core';
import { encodeChunk } from './eventstream.ts';
import { only, replay, setup, syntheticFixture, type Harness } from './helpers.ts';

// Prompt-cache writes with a 1-hour TTL. Claude's InvokeModel bodies carry Anthropic's usage object, whose
// `cache_creation` splits the writes by TTL (Messages API reference, `Usage.cache_creation`); Converse reports the
// split as `usage.cacheDetails` (Bedrock API reference, `TokenUsage.cacheDetails` / `CacheDetail`). The recordings
// and the synthetic fixtures have no such split, so these exchanges are built here from those references.
//
// The shipped table has no Bedrock 1-hour price (those writes fall back to the 5-minute price; see the core
// pricing tests), so the calls here are priced with a table as a pricing file would extend it.
const PRICES = PricingTable.defaults().withEntries([
  {
    provider: 'aws.bedrock',
    model: 'anthropic.claude-sonnet-4-5',
    input: 3,
    output: 15,
    cacheRead: 0.3,
    cacheWrite: 3.75,
    cacheWrite1h: 6,
    effectiveFrom: '2026-01-26',
  },
]);

const NOTE = 'cache writes split by TTL: built from the Anthropic Messages and Bedrock API references, not recorded';

/** Anthropic's usage object with `writes5m` + `writes1h` cache writes, 1,800 cache reads, 9 input and 42 output. */
function claudeUsage(writes5m: number, writes1h: number, output = 42) {
  return {
    input_tokens: 9,
    cache_creation_input_tokens: writes5m + writes1h,
    cache_read_input_tokens: 1800,
    output_tokens: output,
    cache_creation: { ephemeral_5m_input_tokens: writes5m, ephemeral_1h_input_tokens: writes1h },
  };
}

/** The Claude InvokeModel exchange of the synthetic fixtures, its body's usage replaced by one split by TTL. */
function invokeModel(writes5m: number, writes1h: number): Fixture {
  const fixture = syntheticFixture('invoke-model-claude-arn-cache');
  (fixture.response.body as { usage: unknown }).usage = claudeUsage(writes5m, writes1h);
  fixture.response.headers['x-amzn-bedrock-cache-write-input-token-count'] = String(writes5m + writes1h);
  fixture.usage = null;
  fixture.notes = [NOTE];
  return fixture;
}

/** A Claude InvokeModelWithResponseStream exchange whose `message_start` splits the cache writes by TTL. */
function invokeModelStream(writes5m: number, writes1h: number): Fixture {
  const chunks = [
    {
      type: 'message_start',
      message: {
        id: 'msg_bdrk_01TtlStream',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: claudeUsage(writes5m, writes1h, 1),
      },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Clause 4 caps liability.' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 42 } },
    {
      type: 'message_stop',
      'amazon-bedrock-invocationMetrics': {
        inputTokenCount: 9,
        outputTokenCount: 42,
        invocationLatency: 1530,
        firstByteLatency: 402,
        cacheReadInputTokenCount: 1800,
        cacheWriteInputTokenCount: writes5m + writes1h,
      },
    },
  ];
  const invoke = syntheticFixture('invoke-model-claude-arn-cache');
  return {
    ...invoke,
    operation: 'invoke_model_with_response_stream',
    stream: true,
    request: {
      ...invoke.request,
      path: '/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream',
    },
    response: {
      status: 200,
      headers: {
        'content-type': 'application/vnd.amazon.eventstream',
        'x-amzn-bedrock-content-type': 'application/json',
        'x-amzn-requestid': '7d2c1b0a-9f8e-4d6c-b5a4-f3e2d1c0b9a8',
      },
      base64: Buffer.concat(chunks.map(encodeChunk)).toString('base64'),
    },
    usage: null,
    notes: [NOTE],
  };
}

/** The Converse exchange of the synthetic fixtures (512 cache writes), with `cacheDetails` splitting them by TTL. */
function converse(details: { ttl: string; inputTokens: number }[]): Fixture {
  const fixture = syntheticFixture('converse-cache-tokens');
  (fixture.response.body as { usage: Record<string, unknown> }).usage.cacheDetails = details;
  fixture.usage = null;
  fixture.notes = [NOTE];
  return fixture;
}

describe('1-hour prompt-cache writes on Bedrock', () => {
  let h: Harness;
  before(async () => {
    h = await setup({ pricing: PRICES });
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  async function send(fixture: Fixture) {
    h.fake.enqueue(fixture);
    const appView = await replay(h.client(), h.sdk, fixture);
    assert.notEqual(appView.kind, 'error', appView.json);
    assert.equal(h.fake.pendingCount(), 0);
    return only(await h.settle(1)).attributes;
  }

  const assertUsd = (actual: unknown, expected: number) =>
    assert.ok(Math.abs((actual as number) - expected) < 1e-12, `expected ${expected}, got ${String(actual)}`);

  test("InvokeModel: a Claude body's 1-hour writes cost the 1-hour price", async () => {
    const a = await send(invokeModel(500, 1500));
    assert.equal(a['gen_ai.usage.input_tokens'], 9 + 1800 + 2000);
    assert.equal(a['gen_ai.usage.cache_creation.input_tokens'], 2000);
    // 9 × 3 + 1,800 × 0.30 + 500 × 3.75 + 1,500 × 6 + 42 × 15 = 27 + 540 + 1,875 + 9,000 + 630 = 12,072 µ$
    assertUsd(a['llmtel.usage.cost_usd'], 0.012072);
    await h.reset();
    // All 2,000 written for 5 minutes: 27 + 540 + 2,000 × 3.75 + 630 = 8,697 µ$
    assertUsd((await send(invokeModel(2000, 0)))['llmtel.usage.cost_usd'], 0.008697);
  });

  test("InvokeModelWithResponseStream: message_start's split with Bedrock's own counts", async () => {
    const a = await send(invokeModelStream(0, 2000));
    assert.equal(a['gen_ai.usage.input_tokens'], 9 + 1800 + 2000);
    assert.equal(a['gen_ai.usage.output_tokens'], 42);
    assert.equal(a['llmtel.usage.estimated'], false);
    // 9 × 3 + 1,800 × 0.30 + 2,000 × 6 + 42 × 15 = 27 + 540 + 12,000 + 630 = 13,197 µ$
    assertUsd(a['llmtel.usage.cost_usd'], 0.013197);
  });

  test('Converse: the 1-hour entries of cacheDetails cost the 1-hour price', async () => {
    // 12 input, 1,024 cache reads, 512 cache writes (112 for 5 minutes, 400 for 1 hour), 25 output.
    const a = await send(
      converse([
        { ttl: '5m', inputTokens: 112 },
        { ttl: '1h', inputTokens: 400 },
      ]),
    );
    assert.equal(a['gen_ai.usage.cache_creation.input_tokens'], 512);
    // 12 × 3 + 1,024 × 0.30 + 112 × 3.75 + 400 × 6 + 25 × 15 = 36 + 307.2 + 420 + 2,400 + 375 = 3,538.2 µ$
    assertUsd(a['llmtel.usage.cost_usd'], 0.0035382);
    await h.reset();
    // Only 5-minute entries: 36 + 307.2 + 512 × 3.75 + 375 = 2,638.2 µ$
    assertUsd((await send(converse([{ ttl: '5m', inputTokens: 512 }])))['llmtel.usage.cost_usd'], 0.0026382);
  });
});

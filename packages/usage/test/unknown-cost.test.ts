import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { type LlmErrorEvent } from '@llmtel/core';
import { UsageStore, usageRecordFromLlmEvent, usageRecordFromSpan, type UsageRecord } from '@llmtel/usage';
import { RedisNode } from './helpers/redis.ts';

const DAY_MS = 86_400_000;

function record(id: string, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id,
    userId: 'priced',
    provider: 'openai',
    requestModel: 'gpt-4o',
    timestamp: Date.now(),
    inputTokens: 10,
    outputTokens: 5,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    estimated: false,
    costMicros: 40,
    ...overrides,
  };
}

describe('unknown cost', () => {
  let node: RedisNode;
  let redis: Redis;

  before(async () => {
    node = await RedisNode.start();
    redis = new Redis(node.port, node.host);
  });
  after(async () => {
    redis.disconnect();
    await node.stop();
  });

  it('counts requests that used tokens but have no price, per report and per group', async () => {
    const store = new UsageStore(redis, { keyPrefix: 'unknown' });
    await store.recordBatch([
      record('a'),
      record('b', { costMicros: undefined, requestModel: 'in-house-model' }),
      record('c', { costMicros: undefined, requestModel: 'in-house-model', agentName: 'bot' }),
      // No tokens and no price: a failed call that cost nothing, not an unknown cost.
      record('d', { costMicros: undefined, inputTokens: 0, outputTokens: 0, error: 'timeout' }),
    ]);
    const cycle = await store.getUsage({ userId: 'priced' });
    assert.equal(cycle.totals.requests, 4);
    assert.equal(cycle.totals.cost_unknown_requests, 2);
    assert.equal(cycle.totals.cost_usd, 0.00004);
    const byModel = await store.getUsage({ userId: 'priced', groupBy: 'model' });
    assert.deepEqual(
      byModel.groups.map((g) => [g.key, g.requests, g.cost_unknown_requests]),
      [
        ['gpt-4o', 2, 0],
        ['in-house-model', 2, 2],
      ],
    );
    const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const byDay = await store.getUsage({ userId: 'priced', from: today, groupBy: 'day' });
    assert.equal(byDay.groups[0]?.cost_unknown_requests, 2);
    const [top] = await store.topUsers(1);
    assert.equal(top?.totals.cost_unknown_requests, 2);
  });

  it('keeps the cost of a failed call that reported usage, on the in-process path as on the span', () => {
    const event: LlmErrorEvent & { costUsd: number; responseModel: string } = {
      provider: 'openai',
      operation: 'chat',
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-08-06',
      streaming: true,
      attribution: { userId: 'u' },
      requestAttributes: {},
      startTime: 1_700_000_000_000,
      durationMs: 1500,
      error: new Error('stream broke'),
      errorType: 'stream_error',
      callId: '0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331',
      billable: true,
      usage: { inputTokens: 100, outputTokens: 20 },
      costUsd: 0.00045,
    };
    const fromEvent = usageRecordFromLlmEvent(event);
    const fromSpan = usageRecordFromSpan({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      startTimeMs: 1_700_000_000_000,
      endTimeMs: 1_700_000_001_500,
      statusCode: 2,
      attributes: {
        'llmtel.usage.billable': true,
        'gen_ai.provider.name': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 20,
        'llmtel.usage.cost_usd': 0.00045,
        'llmtel.usage.estimated': false,
        'error.type': 'stream_error',
        'user.id': 'u',
      },
    });
    assert.equal(fromEvent.costMicros, 450);
    assert.deepEqual(fromEvent, fromSpan);
    // Without a cost on the event the price stays unknown (never a made-up 0).
    const { costUsd: _c, ...unpriced } = event;
    assert.equal(usageRecordFromLlmEvent(unpriced).costMicros, undefined);
  });
});

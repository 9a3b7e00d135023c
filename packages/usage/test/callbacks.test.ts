import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { estimateTokens, type LlmEndEvent } from '@llmtel/core';
import {
  BudgetGuard,
  createCompositeCallback,
  createDetailedTokenCallback,
  createTokenCallback,
  UsageStore,
} from '@llmtel/usage';
import { RedisNode } from './helpers/redis.ts';

let seq = 0;
function endEvent(overrides: Partial<LlmEndEvent> = {}): LlmEndEvent {
  seq++;
  return {
    provider: 'openai',
    operation: 'chat',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    streaming: false,
    attribution: { userId: 'cb-user', agentName: 'helper' },
    requestAttributes: {},
    startTime: Date.now() - 50,
    durationMs: 50,
    usage: { inputTokens: 100, outputTokens: 20 },
    costUsd: 0.000027,
    callId: `4bf92f3577b34da6a3ce929d0e0e${String(seq).padStart(4, '0')}-00f067aa0ba902b7`,
    billable: true,
    ...overrides,
  };
}

describe('callback handlers', () => {
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

  it('createTokenCallback counts billable calls for a fixed user with their own cycle start', async () => {
    const store = new UsageStore(redis, { keyPrefix: 'tok' });
    const handler = createTokenCallback(store, 'fixed', '2025-06-20');
    await Promise.all([
      handler.onLlmEnd(endEvent()),
      handler.onLlmEnd(endEvent({ billable: false })),
      handler.onLlmEnd(endEvent({ usage: { inputTokens: 5, outputTokens: 1 }, costUsd: undefined })),
    ]);
    assert.equal(await store.getUserCycleStart('fixed'), '2025-06-20');
    const report = await store.getUsage({ userId: 'fixed', groupBy: 'agent' });
    assert.equal(new Date(report.from).getUTCDate(), 20);
    assert.equal(report.totals.requests, 2);
    assert.equal(report.totals.input_tokens, 105);
    assert.equal(report.totals.cost_usd, 0.000027);
    assert.deepEqual(
      report.groups.map((g) => [g.key, g.requests]),
      [['helper', 2]],
    );
    assert.deepEqual(await store.listUsers(), ['fixed']);
  });

  it('counts a failed request once: the error event a wrapper repeats (billable: false) is skipped', async () => {
    const store = new UsageStore(redis, { keyPrefix: 'err' });
    const handler = createTokenCallback(store, 'failing');
    const failure = (billable: boolean) => {
      const { responseModel: _m, costUsd: _c, ...base } = endEvent({ usage: {} });
      return { ...base, billable, error: new Error('overloaded'), errorType: '529' };
    };
    await Promise.all([handler.onLlmError(failure(true)), handler.onLlmError(failure(false))]);
    const report = await store.getUsage({ userId: 'failing' });
    assert.equal(report.totals.requests, 1);
    assert.equal(report.totals.errors, 1);
  });

  it('createDetailedTokenCallback estimates tokens from captured messages when the provider reported none', async () => {
    const store = new UsageStore(redis, { keyPrefix: 'det' });
    const handler = createDetailedTokenCallback(store);
    const question = 'What is the capital of France? Answer in one word.';
    const answer = 'Paris';
    await handler.onLlmEnd(
      endEvent({
        usage: {},
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: question }] }],
        outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: answer }], finish_reason: 'stop' }],
      }),
    );
    const report = await store.getUsage({ userId: 'cb-user' });
    assert.equal(report.totals.input_tokens, await estimateTokens('gpt-4o-mini-2024-07-18', question));
    assert.equal(report.totals.output_tokens, await estimateTokens('gpt-4o-mini-2024-07-18', answer));
    assert.ok(report.totals.input_tokens > 5);
  });

  it('createCompositeCallback isolates a failing handler; inside BudgetGuard.run the call commits its reservation', async () => {
    const store = new UsageStore(redis, { keyPrefix: 'comp' });
    await store.setLimits('cb-user', { tokens: 200 });
    const guard = new BudgetGuard(store, { timeoutMs: 5000 });
    const composite = createCompositeCallback([
      {
        name: 'broken',
        onLlmEnd() {
          throw new Error('boom');
        },
      },
      createTokenCallback(store),
    ]);
    const event = endEvent();
    const reservation = await guard.run({ userId: 'cb-user', tokens: 150 }, async (r) => {
      // The composite delivers events asynchronously (never blocking the LLM call); flush waits for delivery.
      composite.onLlmEnd(event);
      await composite.flush();
      assert.ok(r.settled, 'committed by the handler, inside the call');
      assert.equal(await redis.hlen('comp:{u:cb-user}:resv'), 0, 'the hold was released by the commit');
      return r;
    });
    assert.ok(reservation.settled);
    const usage = await store.getUsage({ userId: 'cb-user' });
    assert.equal(usage.totals.requests, 1);
    assert.equal(usage.totals.input_tokens + usage.totals.output_tokens, 120);
    // The same call seen again (for example through the exporter) is not counted twice.
    assert.deepEqual(await store.recordBatch([{ ...usageOf(event) }]), { applied: 0, duplicates: 1 });
  });
});

function usageOf(e: LlmEndEvent) {
  return {
    id: e.callId,
    userId: e.attribution.userId,
    provider: e.provider,
    requestModel: e.requestModel,
    timestamp: e.startTime,
    inputTokens: 1,
    outputTokens: 1,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    estimated: false,
  };
}

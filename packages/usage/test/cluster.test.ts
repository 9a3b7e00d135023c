import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Cluster, Redis } from 'ioredis';
import { BudgetExceededError, BudgetGuard, UsageStore } from '@llmtel/usage';
import { RedisCluster, RedisNode } from './helpers/redis.ts';
import { exactTotals, generateRecords, groupRecords, shuffled, sumRecords } from './helpers/records.ts';

const DAY_MS = 86_400_000;
const GROUPINGS = [undefined, 'model', 'provider', 'agent', 'day', 'week', 'month'] as const;

describe('Redis Cluster (3 masters)', () => {
  let cluster: RedisCluster;
  let single: RedisNode;
  let clusterClient: Cluster;
  let singleClient: Redis;

  before(async () => {
    [cluster, single] = await Promise.all([RedisCluster.start(3), RedisNode.start()]);
    clusterClient = new Cluster(cluster.startupNodes, { clusterRetryStrategy: () => 50 });
    singleClient = new Redis(single.port, single.host);
  });
  after(async () => {
    clusterClient?.disconnect();
    singleClient?.disconnect();
    await Promise.all([cluster?.stop(), single?.stop()]);
  });

  it('gives the same totals as a single node', async () => {
    const users = Array.from({ length: 60 }, (_, i) => `user-${i}`);
    const records = generateRecords(4000, { seed: 99, users, days: 10 });
    const onCluster = new UsageStore(clusterClient, { maxBatchSize: 256 });
    const onSingle = new UsageStore(singleClient, { maxBatchSize: 256 });

    const [c1, s1] = await Promise.all([onCluster.recordBatch(records), onSingle.recordBatch(records)]);
    assert.deepEqual(c1, { applied: records.length, duplicates: 0 });
    assert.deepEqual(s1, c1);
    assert.deepEqual(await onCluster.recordBatch(shuffled(records, 3)), { applied: 0, duplicates: records.length });

    // The users' keys really are spread over all three masters.
    const sizes = await Promise.all(clusterClient.nodes('master').map((n) => n.dbsize()));
    assert.equal(sizes.length, 3);
    assert.ok(
      sizes.every((n) => n > 0),
      `keys on every master: ${sizes.join(', ')}`,
    );

    const from = new Date(Math.floor(Math.min(...records.map((r) => r.timestamp)) / DAY_MS) * DAY_MS);
    const to = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS);
    for (const [user, own] of groupRecords(records, (r) => r.userId ?? 'anonymous')) {
      for (const groupBy of GROUPINGS) {
        const [c, s] = await Promise.all([
          onCluster.getUsage({ userId: user, from, to, groupBy }),
          onSingle.getUsage({ userId: user, from, to, groupBy }),
        ]);
        assert.deepEqual(c, s, `${user} by ${groupBy}`);
      }
      const report = await onCluster.getUsage({ userId: user, from, to });
      assert.deepEqual(exactTotals(report.totals), sumRecords(own), user);
      assert.deepEqual(await onCluster.getUsage({ userId: user }), await onSingle.getUsage({ userId: user }));
    }
    assert.deepEqual(await onCluster.listUsers(), await onSingle.listUsers());
    assert.deepEqual(await onCluster.listModels(), await onSingle.listModels());
    assert.deepEqual(await onCluster.topUsers(10, 'cost'), await onSingle.topUsers(10, 'cost'));
    assert.deepEqual(await onCluster.topUsers(10, 'tokens'), await onSingle.topUsers(10, 'tokens'));
  });

  it('reserves and commits budgets on a cluster', async () => {
    const store = new UsageStore(clusterClient, { keyPrefix: 'cb' });
    const guard = new BudgetGuard(store, { timeoutMs: 2000, failOpen: false });
    await store.setLimits('cluster-user', { tokens: 1000 });
    await store.setUserCycleStart('cluster-user', '2024-01-15');
    const r = await guard.reserve({ userId: 'cluster-user', tokens: 600 });
    await assert.rejects(guard.reserve({ userId: 'cluster-user', tokens: 600 }), BudgetExceededError);
    await r.commit({
      id: 'c-1',
      userId: 'cluster-user',
      provider: 'openai',
      requestModel: 'gpt-4o',
      timestamp: Date.now(),
      inputTokens: 300,
      outputTokens: 100,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      estimated: false,
    });
    const ok = await guard.reserve({ userId: 'cluster-user', tokens: 600 });
    assert.equal(ok.check?.tokensUsed, 400);
    await ok.release();
    const report = await store.getUsage({ userId: 'cluster-user' });
    assert.equal(new Date(report.from).getUTCDate(), 15);
    assert.equal(report.totals.input_tokens, 300);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { UsageStore, type RecordBatchResult, type UsageRecord } from '@llmtel/usage';
import { RedisNode } from './helpers/redis.ts';
import { exactTotals, generateRecords, groupRecords, sumRecords } from './helpers/records.ts';

const DAY_MS = 86_400_000;
const MAX_ATTEMPTS = 400;

/** Sends a batch until Redis acknowledges it, like the exporter's retrying sender. */
async function sendWithRetry(
  store: UsageStore,
  batch: UsageRecord[],
  stats: { retries: number },
): Promise<RecordBatchResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.recordBatch(batch);
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS) throw err;
      stats.retries++;
      await sleep(25);
    }
  }
}

describe('Redis killed and restarted while a sender retries', () => {
  let node: RedisNode;
  let redis: Redis;

  before(async () => {
    node = await RedisNode.start({ aof: true });
    // Fail fast while the server is down (no offline queue) and keep reconnecting, so the sender sees errors and
    // retries, as a real sender does.
    redis = new Redis(node.port, node.host, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => 20,
    });
    redis.on('error', () => undefined);
  });
  after(async () => {
    redis.disconnect();
    await node.stop();
  });

  it('loses nothing and doubles nothing (AOF, fsync always)', async () => {
    const store = new UsageStore(redis, { keyPrefix: 'restart', maxBatchSize: 50 });
    const records = generateRecords(3000, { seed: 5, days: 3 });
    const batches: UsageRecord[][] = [];
    for (let i = 0; i < records.length; i += 100) batches.push(records.slice(i, i + 100));

    const stats = { retries: 0 };
    let acknowledged = 0;
    const sender = (async () => {
      const sent = { applied: 0, duplicates: 0 };
      for (const batch of batches) {
        const result = await sendWithRetry(store, batch, stats);
        sent.applied += result.applied;
        sent.duplicates += result.duplicates;
        acknowledged++;
        // Keep the sender busy across the restart rather than finishing before the kill.
        await sleep(5);
      }
      return sent;
    })();

    for (let i = 0; i < 400 && acknowledged < 5; i++) await sleep(10);
    assert.ok(acknowledged >= 5 && acknowledged < batches.length, `kill happens mid-stream (${acknowledged} sent)`);
    await node.kill();
    await sleep(200);
    await node.restart();
    const sent = await sender;

    assert.ok(stats.retries > 0, 'the sender had to retry');
    // A batch applied just before the kill but never acknowledged comes back as duplicates on retry.
    assert.equal(sent.applied + sent.duplicates, records.length);
    // Everything again, as a collector replaying its queue would: all duplicates.
    const again: RecordBatchResult = await store.recordBatch(records);
    assert.deepEqual(again, { applied: 0, duplicates: records.length });

    const from = new Date(Math.floor(Math.min(...records.map((r) => r.timestamp)) / DAY_MS) * DAY_MS);
    const to = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS);
    for (const [user, own] of groupRecords(records, (r) => r.userId ?? 'anonymous')) {
      const report = await store.getUsage({ userId: user, from, to });
      assert.deepEqual(exactTotals(report.totals), sumRecords(own), user);
    }
  });
});

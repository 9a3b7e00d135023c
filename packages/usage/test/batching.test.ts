import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { UsageStore, type UsageRecord } from '@llmtel/usage';
import { RedisNode } from './helpers/redis.ts';
import { exactTotals, generateRecords, groupRecords, sumRecords } from './helpers/records.ts';

const DAY_MS = 86_400_000;

function record(id: string, userId = 'ids', inputTokens = 1): UsageRecord {
  return {
    id,
    userId,
    provider: 'openai',
    requestModel: 'gpt-4o',
    timestamp: Date.now(),
    inputTokens,
    outputTokens: 1,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    estimated: false,
    costMicros: 3,
  };
}

describe('batched writes', () => {
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

  it('gives every concurrent caller its own counts when their batches share script calls', async () => {
    const store = new UsageStore(redis, { keyPrefix: 'share' });
    const records = generateRecords(3000, { seed: 5, days: 3 });
    // Ten callers at once; each batch overlaps the next one by 100 records, and the last one repeats a record.
    const batches = Array.from({ length: 10 }, (_, i) => records.slice(i * 300, i * 300 + 400));
    batches[9] = [...batches[9]!, batches[9]![0]!];
    const results = await Promise.all(batches.map((b) => store.recordBatch(b)));
    results.forEach((r, i) => assert.equal(r.applied + r.duplicates, batches[i]!.length, `caller ${i}`));
    assert.equal(
      results.reduce((sum, r) => sum + r.applied, 0),
      records.length,
    );
    assert.ok(results[9]!.duplicates >= 1);
    assert.deepEqual(await store.recordBatch(records), { applied: 0, duplicates: records.length });

    const from = new Date(Math.floor(Math.min(...records.map((r) => r.timestamp)) / DAY_MS) * DAY_MS);
    const to = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS);
    for (const [user, own] of groupRecords(records, (r) => r.userId ?? 'anonymous')) {
      const report = await store.getUsage({ userId: user, from, to });
      assert.deepEqual(exactTotals(report.totals), sumRecords(own), user);
    }
  });

  it('keeps different record ids apart and the same id (in any case of its hex digits) together', async () => {
    const store = new UsageStore(redis, { keyPrefix: 'ids' });
    const span = '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7';
    const ids = [
      span,
      // The 24 bytes a span id is stored as, as text: must not meet the span id.
      Buffer.from(span.replace('-', ''), 'hex').toString('latin1'),
      '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bg', // not hex
      '4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7', // no dash
      'call-1',
      'call-é-ü',
      '',
    ].filter((id) => id !== '');
    assert.deepEqual(await store.recordBatch(ids.map((id) => record(id))), { applied: ids.length, duplicates: 0 });
    assert.deepEqual(await store.recordBatch(ids.map((id) => record(id))), { applied: 0, duplicates: ids.length });
    assert.deepEqual(await store.recordBatch([record(span.toUpperCase())]), { applied: 0, duplicates: 1 });
    assert.equal((await store.getUsage({ userId: 'ids' })).totals.requests, ids.length);
    await assert.rejects(store.recordBatch([record('x'.repeat(254))]), TypeError);
    assert.deepEqual(await store.recordBatch([record('x'.repeat(253))]), { applied: 1, duplicates: 0 });
  });

  it('writes nothing when a counter it must update holds something unexpected', async () => {
    const store = new UsageStore(redis, { keyPrefix: 'atomic' });
    await store.recordBatch([record('first', 'a'), record('first', 'b')]);
    const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    // Break user b's day counters; a batch for a and b must then fail as a whole, a included.
    await redis.hset(`atomic:{u:b}:d:${day}`, 'openai|gpt-4o|', 'not packed counters');
    await assert.rejects(store.recordBatch([record('second', 'a'), record('second', 'b')]), /unexpected value/);
    assert.equal((await store.getUsage({ userId: 'a' })).totals.requests, 1);
    await redis.hdel(`atomic:{u:b}:d:${day}`, 'openai|gpt-4o|');
    assert.deepEqual(await store.recordBatch([record('second', 'a'), record('second', 'b')]), {
      applied: 2,
      duplicates: 0,
    });
    assert.equal((await store.getUsage({ userId: 'a' })).totals.requests, 2);
  });

  it('splits batches larger than maxBatchSize and still counts every record once', async () => {
    const store = new UsageStore(redis, { keyPrefix: 'split', maxBatchSize: 7 });
    const records = generateRecords(100, { seed: 8, days: 2, users: ['s1', 's2'] });
    assert.deepEqual(await store.recordBatch([...records, ...records]), { applied: 100, duplicates: 100 });
    for (const [user, own] of groupRecords(records, (r) => r.userId ?? 'anonymous')) {
      const from = new Date(Math.floor(Math.min(...own.map((r) => r.timestamp)) / DAY_MS) * DAY_MS);
      const report = await store.getUsage({ userId: user, from, to: new Date(Date.now() + DAY_MS) });
      assert.deepEqual(exactTotals(report.totals), sumRecords(own), user);
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { UsageStore, type UsageRecord } from '@llmtel/usage';
import { RedisNode } from './helpers/redis.ts';

function at(iso: string, id: string, userId: string, inputTokens = 10): UsageRecord {
  return {
    id,
    userId,
    provider: 'openai',
    requestModel: 'gpt-4o',
    timestamp: Date.parse(iso),
    inputTokens,
    outputTokens: 1,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    estimated: false,
    costMicros: 7,
  };
}

describe('billing cycles', () => {
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

  it("follows a user's own cycle start date, clamped to short months, in the script and in reports alike", async () => {
    const store = new UsageStore(redis, { keyPrefix: 'cyc', dailyRetentionDays: 0 });
    await store.setUserCycleStart('ann', new Date('2025-01-31T00:00:00Z'));
    assert.equal(await store.getUserCycleStart('ann'), '2025-01-31');
    await store.recordBatch([
      at('2025-02-27T23:59:59Z', 'a1', 'ann', 1),
      at('2025-02-28T00:00:00Z', 'a2', 'ann', 2),
      at('2025-03-30T12:00:00Z', 'a3', 'ann', 4),
      at('2025-03-31T00:00:01Z', 'a4', 'ann', 8),
      at('2024-02-29T10:00:00Z', 'a5', 'ann', 16),
    ]);
    const keys = (await redis.keys('cyc:{u:ann}:c:*')).sort();
    assert.deepEqual(keys, [
      'cyc:{u:ann}:c:20240229',
      'cyc:{u:ann}:c:20250131',
      'cyc:{u:ann}:c:20250228',
      'cyc:{u:ann}:c:20250331',
    ]);

    const feb = await store.getUserCycle('ann', new Date('2025-03-01T00:00:00Z'));
    assert.equal(feb.start.toISOString(), '2025-02-28T00:00:00.000Z');
    assert.equal(feb.end.toISOString(), '2025-03-31T00:00:00.000Z');
    const report = await store.getUsage({ userId: 'ann', from: feb.start, to: feb.end });
    assert.equal(report.totals.input_tokens, 2 + 4);
    assert.equal(report.totals.cost_usd, 0.000014);
    const leap = await store.getUserCycle('ann', new Date('2024-02-29T10:00:00Z'));
    assert.equal(leap.start.toISOString(), '2024-02-29T00:00:00.000Z');
    assert.equal(leap.end.toISOString(), '2024-03-31T00:00:00.000Z');
    const leapReport = await store.getUsage({ userId: 'ann', from: leap.start, to: leap.end });
    assert.equal(leapReport.totals.input_tokens, 16);
  });

  it('agrees with getUserCycle on every cycle the script writes to', async () => {
    const store = new UsageStore(redis, { keyPrefix: 'agree', dailyRetentionDays: 0 });
    const anchors = [1, 15, 28, 29, 30, 31];
    const records: UsageRecord[] = [];
    const expected = new Map<string, Set<string>>();
    for (const anchor of anchors) {
      const user = `anchor-${anchor}`;
      await store.setUserCycleStart(user, `2023-01-${String(anchor).padStart(2, '0')}`);
      const keys = new Set<string>();
      for (let day = 0; day < 800; day += 3) {
        const ts = Date.UTC(2023, 11, 1) + day * 86_400_000 + (day % 24) * 3_600_000;
        records.push(at(new Date(ts).toISOString(), `${user}-${day}`, user));
        const cycle = await store.getUserCycle(user, new Date(ts));
        assert.ok(cycle.start.getTime() <= ts && ts < cycle.end.getTime());
        keys.add(`agree:{u:${user}}:c:${cycle.start.toISOString().slice(0, 10).replaceAll('-', '')}`);
      }
      expected.set(user, keys);
    }
    await store.recordBatch(records);
    for (const [user, keys] of expected) {
      assert.deepEqual(new Set(await redis.keys(`agree:{u:${user}}:c:*`)), keys, user);
    }
  });

  it('uses the configured default cycle start day, and per-day buckets honour the retention', async () => {
    const store = new UsageStore(redis, { keyPrefix: 'cyc10', cycleStartDay: 10 });
    const now = Date.now();
    const old = now - 500 * 86_400_000;
    await store.recordBatch([
      at(new Date(now).toISOString(), 'n1', 'ben'),
      at(new Date(old).toISOString(), 'o1', 'ben'),
    ]);
    const cycle = await store.getUserCycle('ben');
    assert.equal(cycle.start.getUTCDate(), 10);
    assert.ok(cycle.start.getTime() <= now && now < cycle.end.getTime());
    const current = await store.getUsage({ userId: 'ben' });
    assert.equal(current.from, cycle.start.toISOString());
    assert.equal(current.totals.requests, 1);
    // The 500-day-old record counted in its cycle but no day bucket was kept for it (default retention 400 days).
    const oldCycle = await store.getUserCycle('ben', new Date(old));
    assert.equal((await store.getUsage({ userId: 'ben', from: oldCycle.start, to: oldCycle.end })).totals.requests, 1);
    const oldDays = await store.getUsage({
      userId: 'ben',
      from: new Date(old - 86_400_000),
      to: new Date(old + 86_400_000),
    });
    assert.equal(oldDays.totals.requests, 0);
    const ttl = await redis.ttl(`cyc10:{u:ben}:d:${new Date(now).toISOString().slice(0, 10).replaceAll('-', '')}`);
    assert.ok(ttl > 399 * 86_400 && ttl <= 401 * 86_400, `day bucket TTL ${ttl}`);
  });

  it('rejects bad input in code', async () => {
    const store = new UsageStore(redis, { keyPrefix: 'bad' });
    await assert.rejects(store.setUserCycleStart('x', '2025-13-01'), TypeError);
    await assert.rejects(store.getUsage({ userId: '' }), TypeError);
    await assert.rejects(store.getUsage({ userId: 'x', from: new Date(2), to: new Date(1) }), RangeError);
    await assert.rejects(store.recordBatch([{ ...at('2025-01-01T00:00:00Z', '', 'x') }]), TypeError);
    assert.throws(() => new UsageStore(redis, { keyPrefix: 'a{b}' }), TypeError);
    assert.throws(() => new UsageStore(redis, { cycleStartDay: 32 }), RangeError);
    // Day buckets answer every report but whole-cycle totals: they must outlive a cycle, or be kept forever.
    assert.throws(() => new UsageStore(redis, { dailyRetentionDays: 30 }), RangeError);
    assert.equal(new UsageStore(redis, { dailyRetentionDays: 31 }).options.dailyRetentionDays, 31);
  });
});

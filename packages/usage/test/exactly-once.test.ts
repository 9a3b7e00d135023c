import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createTokenCallback, UsageStore, type UsageRecord } from '@llmtel/usage';
import { type LlmEndEvent, type LlmErrorEvent } from '@llmtel/core';
import { RedisNode } from './helpers/redis.ts';
import { exactTotals, generateRecords, groupRecords, isoDay, shuffled, sumRecords } from './helpers/records.ts';

const DAY_MS = 86_400_000;

function endEventFor(r: UsageRecord): LlmEndEvent {
  return {
    provider: r.provider,
    operation: r.operation ?? 'chat',
    requestModel: r.requestModel ?? '',
    responseModel: r.responseModel,
    streaming: false,
    attribution: { userId: r.userId, agentName: r.agentName },
    requestAttributes: {},
    startTime: r.timestamp - 100,
    durationMs: 100,
    usage: {
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      cacheReadInputTokens: r.cacheReadTokens,
      cacheCreationInputTokens: r.cacheWriteTokens,
      reasoningOutputTokens: r.reasoningTokens,
    },
    costUsd: r.costMicros === undefined ? undefined : r.costMicros / 1_000_000,
    callId: r.id,
    billable: true,
  };
}

function errorEventFor(r: UsageRecord): LlmErrorEvent {
  const { responseModel: _r, costUsd: _c, billable: _b, ...rest } = endEventFor(r);
  return { ...rest, billable: true, error: new Error(r.error), errorType: r.error! };
}

describe('exactly once', () => {
  let node: RedisNode;
  const clients: Redis[] = [];

  before(async () => {
    node = await RedisNode.start();
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await node.stop();
  });

  function client(): Redis {
    const c = new Redis(node.port, node.host, { lazyConnect: false });
    clients.push(c);
    return c;
  }

  it('counts a batch sent twice in different orders, by two writers and the in-process path, once', async () => {
    const keyPrefix = 'once';
    // A failed call has no response model or cost in-process (LlmErrorEvent); its span carries none either.
    const records = generateRecords(1500, { seed: 42, days: 6 }).map((r) =>
      r.error ? { ...r, responseModel: undefined, costMicros: undefined } : r,
    );
    const writerA = new UsageStore(client(), { keyPrefix, maxBatchSize: 128 });
    const writerB = new UsageStore(client(), { keyPrefix });
    const inProcess = new UsageStore(client(), { keyPrefix });
    const handler = createTokenCallback(inProcess);

    const [a1, b1] = await Promise.all([
      writerA.recordBatch(records),
      writerB.recordBatch(shuffled(records, 7)),
      Promise.all(
        shuffled(records, 9).map((r) =>
          r.error ? handler.onLlmError(errorEventFor(r)) : handler.onLlmEnd(endEventFor(r)),
        ),
      ),
    ]);
    const second = await writerB.recordBatch(shuffled(records, 11));

    assert.equal(second.applied, 0);
    assert.equal(second.duplicates, records.length);
    // Whichever writer won each record, the two batch writers together saw each record once or as a duplicate.
    assert.equal(a1.applied + a1.duplicates, records.length);
    assert.equal(b1.applied + b1.duplicates, records.length);
    assert.ok(a1.applied + b1.applied <= records.length);

    const first = Math.min(...records.map((r) => r.timestamp));
    const from = new Date(Math.floor(first / DAY_MS) * DAY_MS);
    const to = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS);
    const byUser = groupRecords(records, (r) => r.userId ?? 'anonymous');
    assert.deepEqual(await writerA.listUsers(), [...byUser.keys()].sort());
    assert.equal(await writerA.countUsers(), byUser.size);
    assert.deepEqual(
      await writerA.listModels(),
      [...new Set(records.map((r) => r.responseModel ?? r.requestModel!))].sort(),
    );
    assert.deepEqual(await writerA.listAgents(), [...new Set(records.flatMap((r) => r.agentName ?? []))].sort());

    for (const [user, own] of byUser) {
      const report = await writerA.getUsage({ userId: user, from, to });
      assert.deepEqual(exactTotals(report.totals), sumRecords(own), `totals of ${user}`);

      const byModel = await writerA.getUsage({ userId: user, from, to, groupBy: 'model' });
      const expectedModels = groupRecords(own, (r) => r.responseModel ?? r.requestModel!);
      assert.deepEqual(
        byModel.groups.map((g) => [g.key, exactTotals(g)]),
        [...expectedModels].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, rs]) => [k, sumRecords(rs)]),
        `models of ${user}`,
      );

      const byDay = await writerA.getUsage({ userId: user, from, to, groupBy: 'day' });
      const expectedDays = groupRecords(own, (r) => isoDay(r.timestamp));
      assert.deepEqual(
        byDay.groups.map((g) => [g.key, exactTotals(g)]),
        [...expectedDays].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, rs]) => [k, sumRecords(rs)]),
        `days of ${user}`,
      );

      const byAgent = await writerA.getUsage({ userId: user, from, to, groupBy: 'agent' });
      const expectedAgents = groupRecords(
        own.filter((r) => r.agentName),
        (r) => r.agentName!,
      );
      assert.deepEqual(
        byAgent.groups.map((g) => [g.key, exactTotals(g)]),
        [...expectedAgents].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, rs]) => [k, sumRecords(rs)]),
        `agents of ${user}`,
      );

      // The default period is the current calendar-month cycle, read from the cycle counters.
      const cycle = await writerA.getUsage({ userId: user, groupBy: 'provider' });
      const now = new Date();
      const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
      const inCycle = own.filter((r) => r.timestamp >= monthStart);
      assert.equal(cycle.from, new Date(monthStart).toISOString());
      assert.deepEqual(exactTotals(cycle.totals), sumRecords(inCycle), `cycle of ${user}`);
      const providers = groupRecords(inCycle, (r) => r.provider);
      assert.deepEqual(
        cycle.groups.map((g) => [g.key, exactTotals(g)]),
        [...providers].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, rs]) => [k, sumRecords(rs)]),
      );
    }
  });

  it('groups days into ISO weeks and months', async () => {
    const store = new UsageStore(client(), { keyPrefix: 'weeks' });
    // Sunday 2024-12-29 is in ISO week 2024-W52; Monday 2024-12-30 and 2025-01-01 are in 2025-W01.
    const day = (iso: string): number => Date.parse(`${iso}T12:00:00Z`);
    const base: Omit<UsageRecord, 'id' | 'timestamp'> = {
      userId: 'w',
      provider: 'openai',
      requestModel: 'm',
      inputTokens: 1,
      outputTokens: 1,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      estimated: false,
    };
    const stamps = ['2024-12-29', '2024-12-30', '2025-01-01', '2025-01-01'];
    await store.recordBatch(stamps.map((d, i) => ({ ...base, id: `w${i}`, timestamp: day(d) })));
    const from = new Date('2024-12-01T00:00:00Z');
    const to = new Date('2025-02-01T00:00:00Z');
    // Those days are long past the default 400-day retention only if the clock says so; keep them forever here.
    const forever = new UsageStore(client(), { keyPrefix: 'weeks2', dailyRetentionDays: 0 });
    await forever.recordBatch(stamps.map((d, i) => ({ ...base, id: `w${i}`, timestamp: day(d) })));
    const weeks = await forever.getUsage({ userId: 'w', from, to, groupBy: 'week' });
    assert.deepEqual(
      weeks.groups.map((g) => [g.key, g.requests]),
      [
        ['2024-W52', 1],
        ['2025-W01', 3],
      ],
    );
    const months = await forever.getUsage({ userId: 'w', from, to, groupBy: 'month' });
    assert.deepEqual(
      months.groups.map((g) => [g.key, g.requests]),
      [
        ['2024-12', 2],
        ['2025-01', 2],
      ],
    );
    assert.equal(months.totals.requests, 4);
    // With retention, days that ended more than the retention ago are not kept (cycle counters are).
    const retained = await store.getUsage({ userId: 'w', from, to });
    const ageDays = (Date.now() - day('2025-01-02')) / DAY_MS;
    assert.equal(retained.totals.requests, ageDays > 400 ? 0 : 4);
  });
});

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import {
  BudgetExceededError,
  BudgetGuard,
  BudgetUnavailableError,
  UsageStore,
  type BudgetCheck,
  type UsageRecord,
} from '@llmtel/usage';
import { freePort, RedisNode } from './helpers/redis.ts';
import { prng } from './helpers/records.ts';

function record(
  id: string,
  userId: string,
  inputTokens: number,
  outputTokens: number,
  costMicros?: number,
): UsageRecord {
  return {
    id,
    userId,
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    timestamp: Date.now(),
    inputTokens,
    outputTokens,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    estimated: false,
    costMicros,
  };
}

/**
 * A fake LLM provider on loopback. On every request it reads the user's budget state straight from Redis and keeps
 * the highest `used + held` it ever saw, then answers with the usage the call "consumed".
 */
class FakeProvider {
  requests = 0;
  maxCommitted = 0;
  private server: Server | undefined;
  private url = '';

  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = prefix;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.requests++;
      const user = new URL(req.url ?? '/', 'http://x').searchParams.get('user') ?? '';
      const tokens = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('tokens'));
      void this.observe(user).then(() => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            usage: { prompt_tokens: Math.ceil(tokens * 0.6), completion_tokens: Math.floor(tokens * 0.4) },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/chat`;
    return this.url;
  }

  private async observe(user: string): Promise<void> {
    const base = `${this.prefix}:{u:${user}}`;
    const month = new Date().toISOString().slice(0, 7).replace('-', '');
    const replies = await this.redis.multi().getBuffer(`${base}:c:${month}01`).hgetall(`${base}:resv`).exec();
    // Cycle totals: 9 little-endian doubles; input and output tokens are the 3rd and 4th.
    const totals = replies![0]![1] as Buffer | null;
    const inTok = totals ? totals.readDoubleLE(16) : 0;
    const outTok = totals ? totals.readDoubleLE(24) : 0;
    const held = Object.values(replies![1]![1] as Record<string, string>).reduce(
      (sum, v) => sum + Number(v.split(' ')[1]),
      0,
    );
    this.maxCommitted = Math.max(this.maxCommitted, inTok + outTok + held);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('BudgetGuard', () => {
  let node: RedisNode;
  const clients: Redis[] = [];

  function client(options: RedisOptions = {}): Redis {
    const c = new Redis(node.port, node.host, options);
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  }

  before(async () => {
    node = await RedisNode.start();
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await node.stop();
  });

  it('never lets used + in-flight exceed the limit under 50 concurrent calls; rejected calls never reach the provider', async () => {
    const prefix = 'b50';
    const store = new UsageStore(client(), { keyPrefix: prefix });
    const guard = new BudgetGuard(store, { timeoutMs: 5000, failOpen: false });
    const provider = new FakeProvider(client(), prefix);
    const url = await provider.start();
    const limit = 20_000;
    await store.setLimits('alice', { tokens: limit });
    const rand = prng(3);
    let admitted = 0;
    const rejections: BudgetExceededError[] = [];

    const call = async (i: number, round: number): Promise<void> => {
      const estimate = 300 + Math.floor(rand() * 700);
      let reservation;
      try {
        reservation = await guard.reserve({ userId: 'alice', tokens: estimate });
      } catch (err) {
        assert.ok(err instanceof BudgetExceededError, String(err));
        rejections.push(err);
        return;
      }
      admitted++;
      try {
        const actual = Math.floor(estimate * (0.5 + rand() * 0.5));
        const res = await fetch(`${url}?user=alice&tokens=${actual}`, { method: 'POST' });
        const body = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
        await reservation.commit(
          record(`r${round}-${i}`, 'alice', body.usage.prompt_tokens, body.usage.completion_tokens),
        );
      } catch (err) {
        await reservation.release();
        throw err;
      }
    };

    for (let round = 0; round < 4; round++) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => call(i, round)));
    }
    await provider.stop();

    assert.ok(admitted > 0 && rejections.length > 0, `admitted ${admitted}, rejected ${rejections.length}`);
    assert.equal(provider.requests, admitted, 'only admitted calls reached the provider');
    assert.ok(provider.maxCommitted > limit * 0.8, `the budget was really contended (${provider.maxCommitted})`);
    assert.ok(provider.maxCommitted <= limit, `used + held peaked at ${provider.maxCommitted} > ${limit}`);
    const usage = await store.getUsage({ userId: 'alice' });
    assert.equal(usage.totals.requests, admitted);
    assert.ok(usage.totals.input_tokens + usage.totals.output_tokens <= limit);
    for (const e of rejections) {
      assert.equal(e.user, 'alice');
      assert.equal(e.kind, 'tokens');
      assert.equal(e.limit, limit);
      assert.ok(e.used + e.reserved + e.requested > limit);
    }
    // All holds were committed: nothing is left reserved.
    assert.equal(await store.redis.exists(`${prefix}:{u:alice}:resv`), 0);
  });

  it('enforces cost limits and resolves limits user > tenant > default, per quantity', async () => {
    const store = new UsageStore(client(), { keyPrefix: 'lim' });
    const guard = new BudgetGuard(store, { timeoutMs: 5000, limitsCacheMs: 0 });
    await store.setDefaultLimits({ tokens: 1000, costUsd: 1 });
    await store.setTenantLimits('acme', { costUsd: 0.5 });
    await store.setLimits('vip', { tokens: 5000 });

    assert.deepEqual(await store.getEffectiveLimits('bob'), { tokens: 1000, costUsd: 1 });
    assert.deepEqual(await store.getEffectiveLimits('bob', 'acme'), { tokens: 1000, costUsd: 0.5 });
    assert.deepEqual(await store.getEffectiveLimits('vip', 'acme'), { tokens: 5000, costUsd: 0.5 });
    assert.deepEqual(await store.getLimits('vip'), { tokens: 5000 });
    assert.equal(await store.getLimits('bob'), undefined);

    await assert.rejects(guard.reserve({ userId: 'bob', tenantId: 'acme', costUsd: 0.6 }), (e: unknown) => {
      assert.ok(e instanceof BudgetExceededError);
      assert.equal(e.kind, 'cost');
      assert.equal(e.limit, 0.5);
      return true;
    });
    (await guard.reserve({ userId: 'bob', costUsd: 0.6 })).release().catch(() => undefined);
    await assert.rejects(
      guard.reserve({ userId: 'vip', tenantId: 'acme', tokens: 1500, costUsd: 0.6 }),
      BudgetExceededError,
    );
    const vip = await guard.reserve({ userId: 'vip', tenantId: 'acme', tokens: 1500, costUsd: 0.4 });
    await vip.commit(record('vip-1', 'vip', 1000, 400, 450_000));
    await assert.rejects(guard.reserve({ userId: 'vip', tenantId: 'acme', costUsd: 0.06 }), BudgetExceededError);

    await store.deleteLimits('vip');
    await store.deleteTenantLimits('acme');
    await store.deleteDefaultLimits();
    assert.equal(await store.getEffectiveLimits('vip', 'acme'), undefined);
    const free = await guard.reserve({ userId: 'vip', tenantId: 'acme', tokens: 1e9, costUsd: 1e6 });
    assert.equal(free.check?.tokensLimit, undefined);
    await free.release();
  });

  it('lets an abandoned reservation expire, so a crashed process leaks nothing', async () => {
    const store = new UsageStore(client(), { keyPrefix: 'exp' });
    const guard = new BudgetGuard(store, { timeoutMs: 5000, reservationTtlMs: 300 });
    await store.setLimits('carol', { tokens: 100 });
    const abandoned = await guard.reserve({ userId: 'carol', tokens: 100 });
    assert.ok(abandoned.active);
    await assert.rejects(guard.reserve({ userId: 'carol', tokens: 1 }), BudgetExceededError);
    let admittedAfterExpiry = false;
    for (let i = 0; i < 100 && !admittedAfterExpiry; i++) {
      await sleep(50);
      try {
        await (await guard.reserve({ userId: 'carol', tokens: 100 })).release();
        admittedAfterExpiry = true;
      } catch (err) {
        assert.ok(err instanceof BudgetExceededError);
      }
    }
    assert.ok(admittedAfterExpiry, 'the abandoned hold expired');
  });

  it('warn mode lets calls through and reports; off mode never checks', async () => {
    const store = new UsageStore(client(), { keyPrefix: 'warn' });
    await store.setLimits('dave', { tokens: 10 });
    const warnings: BudgetCheck[] = [];
    const warn = new BudgetGuard(store, { mode: 'warn', timeoutMs: 5000, onWarn: (c) => warnings.push(c) });
    const r = await warn.reserve({ userId: 'dave', tokens: 50 });
    assert.ok(r.active);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.exceeded, 'tokens');
    await r.commit(record('dave-1', 'dave', 40, 10));
    const off = new BudgetGuard(store, { mode: 'off' });
    const o = await off.reserve({ userId: 'dave', tokens: 1e9 });
    assert.equal(o.active, false);
    await o.commit(record('dave-2', 'dave', 1, 1));
    assert.equal((await store.getUsage({ userId: 'dave' })).totals.requests, 2);
  });

  it('fails open or closed within the bounded wait when Redis is slow or down', async () => {
    const slow = client();
    const store = new UsageStore(slow, { keyPrefix: 'slow' });
    await store.setLimits('erin', { tokens: 10 });
    const open = new BudgetGuard(store, { timeoutMs: 50, failOpen: true });
    const closed = new BudgetGuard(store, { timeoutMs: 50, failOpen: false });
    // Warm the limits cache and the script cache, then stall the server for every client.
    await (await open.reserve({ userId: 'erin', tokens: 1 })).release();
    await (await closed.reserve({ userId: 'erin', tokens: 1 })).release();
    // Redis blocks every client (CLIENT UNPAUSE included) during the pause, so keep it short; the checks below take
    // two 50 ms waits.
    await client().call('CLIENT', 'PAUSE', '400', 'ALL');

    const r = await open.reserve({ userId: 'erin', tokens: 1_000_000 });
    assert.equal(r.active, false, 'fail-open lets the call through without a hold');
    await assert.rejects(closed.reserve({ userId: 'erin', tokens: 1 }), BudgetUnavailableError);
    await slow.ping(); // returns once the pause is over

    const down = new Redis(await freePort(), '127.0.0.1', { retryStrategy: () => 1000, lazyConnect: true });
    down.on('error', () => undefined);
    clients.push(down);
    const downStore = new UsageStore(down);
    await assert.rejects(
      new BudgetGuard(downStore, { failOpen: false }).reserve({ userId: 'x' }),
      BudgetUnavailableError,
    );
    assert.equal((await new BudgetGuard(downStore).reserve({ userId: 'x' })).active, false);
  });

  it('run() holds the budget while the call runs and frees it when nothing was committed', async () => {
    const store = new UsageStore(client(), { keyPrefix: 'run' });
    const guard = new BudgetGuard(store, { timeoutMs: 5000 });
    await store.setLimits('frank', { tokens: 100 });
    let reached = 0;
    await assert.rejects(
      guard.run({ userId: 'frank', tokens: 101 }, () => {
        reached++;
      }),
      BudgetExceededError,
    );
    assert.equal(reached, 0, 'the call never ran');
    await guard.run({ userId: 'frank', tokens: 100 }, async () => {
      reached++;
      await assert.rejects(guard.reserve({ userId: 'frank', tokens: 1 }), BudgetExceededError);
    });
    for (let i = 0; i < 50 && (await store.redis.exists('run:{u:frank}:resv')) === 1; i++) await sleep(10);
    const again = await guard.reserve({ userId: 'frank', tokens: 100 });
    assert.ok(again.active);
    await again.release();
    assert.equal(reached, 1);
  });
});

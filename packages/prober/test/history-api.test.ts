import assert from 'node:assert/strict';
import { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import {
  createStatusServer,
  historyKey,
  HistoryStore,
  Prober,
  type StatusResponse,
  type TimelinePoint,
} from '@llmtel/prober';
import { manualClock } from './helpers/clock.ts';
import { makeConfigDir } from './helpers/files.ts';
import { captureLogger } from './helpers/logs.ts';
import { startRedis, type TestRedis } from './helpers/redis.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.parse('2025-03-10T12:07:00.000Z');

let redisServer: TestRedis;
let redis: Redis;
before(async () => {
  redisServer = await startRedis();
  redis = new Redis(redisServer.url);
});
after(async () => {
  await redis.quit();
  await redisServer.stop();
});

describe('history retention', () => {
  it('keeps 30 days: each write drops older points and pushes the key expiry out', async () => {
    let now = NOW;
    const store = new HistoryStore(redis, { now: () => now });
    const key = historyKey('ret', 'chat');
    await redis.zadd(key, NOW - 31 * DAY, `${NOW - 31 * DAY}:1:100`, NOW - 29 * DAY, `${NOW - 29 * DAY}:0:5`);
    await store.record({ provider: 'ret', service: 'chat', status: 1, latencyMs: 120.4, timestamp: NOW - HOUR });
    assert.deepEqual(await redis.zrange(key, 0, -1), [`${NOW - 29 * DAY}:0:5`, `${NOW - HOUR}:1:120`]);
    const ttl = await redis.pttl(key);
    assert.ok(ttl > 29 * DAY && ttl <= 30 * DAY, `expiry ${ttl} ms is the retention`);

    now = NOW + 2 * DAY;
    await store.record({ provider: 'ret', service: 'chat', status: 2, latencyMs: 9000, timestamp: now });
    assert.deepEqual(
      await redis.zrange(key, 0, -1),
      [`${NOW - HOUR}:1:120`, `${now}:2:9000`],
      'the 29-day-old point aged out once time moved on',
    );
  });

  it('returns only points inside the range, oldest first, and the latest one within the retention', async () => {
    const store = new HistoryStore(redis, { now: () => NOW });
    await store.recordMany('q', 'svc', [
      { timestamp: NOW - 2 * HOUR, status: 1, latencyMs: 10 },
      { timestamp: NOW - HOUR, status: 0, latencyMs: 20 },
      { timestamp: NOW - 10 * MIN, status: 2, latencyMs: 30 },
    ]);
    const [row] = await store.query([{ provider: 'q', service: 'svc' }], NOW - 90 * MIN, NOW - 20 * MIN);
    assert.deepEqual(row!.points, [{ timestamp: NOW - HOUR, status: 0, latencyMs: 20 }]);
    assert.deepEqual(row!.latest, { timestamp: NOW - 10 * MIN, status: 2, latencyMs: 30 });
  });
});

describe('status API over seeded history', () => {
  const dir = makeConfigDir();
  let prober: Prober;
  let base: string;
  let server: ReturnType<typeof createStatusServer>;
  // 24h view: 96 buckets of 15 min, aligned to the quarter hour; the last one (12:00) holds NOW (12:07).
  const FIRST_24H = Date.parse('2025-03-09T12:15:00.000Z');

  before(async () => {
    dir.writeConfig(`
interval: 1m
monitors:
  - { provider: openai, service: chat, url: "http://127.0.0.1:9/v1/chat/completions", method: POST }
  - { provider: openai, service: embeddings, url: "http://127.0.0.1:9/v1/embeddings", method: POST }
  - { provider: anthropic, service: messages, url: "http://127.0.0.1:9/v1/messages", method: POST }
`);
    const clock = manualClock(NOW);
    prober = new Prober({ configPath: dir.configPath, redis, clock, watch: false, logger: captureLogger() });
    const store = new HistoryStore(redis, { now: () => NOW });
    // openai/chat: a probe every 5 minutes for 25 hours, green at 200 ms, except:
    //   10:00-10:15 red (one timeout), 11:00-11:15 one slow yellow, 06:00-07:00 no probes at all.
    const points = [];
    for (let t = NOW - 25 * HOUR; t <= NOW - MIN; t += 5 * MIN) {
      const hhmm = new Date(t).toISOString().slice(11, 16);
      if (hhmm >= '06:00' && hhmm < '07:00' && t > NOW - DAY) continue;
      let status: 0 | 1 | 2 = 1;
      let latencyMs = 200;
      if (hhmm === '10:07' && t > NOW - DAY) [status, latencyMs] = [0, 10_000];
      if (hhmm === '11:12' && t > NOW - DAY) [status, latencyMs] = [2, 6_000];
      points.push({ timestamp: t, status, latencyMs });
    }
    await store.recordMany('openai', 'chat', points);
    // anthropic/messages: one red probe, 3 minutes ago.
    await store.recordMany('anthropic', 'messages', [{ timestamp: NOW - 3 * MIN, status: 0, latencyMs: 15_000 }]);
    // openai/embeddings: never probed.
    server = createStatusServer(prober, prober.logger);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await prober.stop();
    dir.cleanup();
  });

  async function status(query: string): Promise<StatusResponse> {
    const res = await fetch(`${base}/api/status${query}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    return (await res.json()) as StatusResponse;
  }
  const at = (timeline: TimelinePoint[], iso: string) => timeline.find((p) => p.time === iso)!;

  it('buckets the last 24 hours into 96 quarter hours, worst status wins, gaps are -1', async () => {
    const body = await status('?period=24h');
    assert.deepEqual(body.meta, { period: '24h', count: 3, bucket_seconds: 900 });
    assert.deepEqual(
      body.data.map((d) => `${d.provider}/${d.service}`),
      ['openai/chat', 'openai/embeddings', 'anthropic/messages'],
      'one entry per configured monitor, in config order',
    );
    const chat = body.data[0]!;
    assert.equal(chat.timeline.length, 96);
    assert.equal(chat.timeline[0]!.time, new Date(FIRST_24H).toISOString());
    assert.equal(chat.timeline[95]!.time, '2025-03-10T12:00:00.000Z');

    assert.deepEqual(at(chat.timeline, '2025-03-10T10:00:00.000Z'), {
      time: '2025-03-10T10:00:00.000Z',
      status: 0,
      latency: 200,
      count: 3,
      availability: 2 / 3,
    });
    const slow = at(chat.timeline, '2025-03-10T11:00:00.000Z');
    assert.equal(slow.status, 2);
    assert.equal(slow.latency, 200, 'median of 200, 200, 6000');
    for (const q of ['06:00', '06:15', '06:30', '06:45']) {
      assert.deepEqual(at(chat.timeline, `2025-03-10T${q}:00.000Z`), {
        time: `2025-03-10T${q}:00.000Z`,
        status: -1,
        latency: null,
        count: 0,
        availability: null,
      });
    }
    assert.equal(at(chat.timeline, '2025-03-10T09:45:00.000Z').status, 1);
    const last = chat.timeline[95]!;
    assert.deepEqual([last.status, last.count], [1, 1], 'the 12:02 probe is in the current bucket');

    const inPeriod = chat.timeline.reduce((n, p) => n + p.count, 0);
    // 12:17 yesterday .. 12:02 today every 5 min = 286 probes, minus the 12 of the 06:00 gap; older ones are outside.
    assert.equal(inPeriod, 286 - 12);
    assert.equal(chat.uptime, Math.round(((inPeriod - 1) / inPeriod) * 10_000) / 100);
    assert.equal(chat.median_latency, 200);
    assert.deepEqual(chat.current_status, { status: 1, latency: 200, timestamp: '2025-03-10T12:02:00.000Z' });
  });

  it('reports monitors without history as null / no-data', async () => {
    const body = await status('?period=24h&service=embeddings');
    assert.equal(body.meta.count, 1);
    const [emb] = body.data;
    assert.equal(emb!.current_status, null);
    assert.equal(emb!.uptime, null);
    assert.equal(emb!.median_latency, null);
    assert.ok(emb!.timeline.every((p) => p.status === -1 && p.count === 0));
  });

  it('filters by provider and service', async () => {
    const body = await status('?provider=anthropic');
    assert.deepEqual(
      body.data.map((d) => d.service),
      ['messages'],
    );
    assert.equal(body.meta.period, '24h', '24h is the default period');
    assert.deepEqual(body.data[0]!.current_status, {
      status: 0,
      latency: 15_000,
      timestamp: '2025-03-10T12:04:00.000Z',
    });
    assert.equal(body.data[0]!.uptime, 0);
    assert.equal(body.data[0]!.median_latency, null, 'red probes have no meaningful latency');
    assert.deepEqual((await status('?provider=openai&service=nope')).data, []);
  });

  it('buckets 7 days into 84 two-hour buckets and 30 days into 90 eight-hour buckets', async () => {
    const week = await status('?period=7d&provider=openai&service=chat');
    assert.deepEqual(week.meta, { period: '7d', count: 1, bucket_seconds: 7200 });
    const chat7 = week.data[0]!.timeline;
    assert.equal(chat7.length, 84);
    assert.equal(chat7[83]!.time, '2025-03-10T12:00:00.000Z');
    assert.equal(
      chat7.reduce((n, p) => n + p.count, 0),
      25 * 12 - 12,
      'the 25th hour is inside 7 days',
    );
    assert.equal(at(chat7, '2025-03-10T10:00:00.000Z').status, 0);
    assert.equal(chat7[0]!.status, -1);

    const month = await status('?period=30d&provider=openai&service=chat');
    assert.deepEqual(month.meta, { period: '30d', count: 1, bucket_seconds: 28800 });
    assert.equal(month.data[0]!.timeline.length, 90);
    assert.equal(month.data[0]!.timeline[89]!.time, '2025-03-10T08:00:00.000Z');
  });

  it('refuses an unknown period and serves /health', async () => {
    const bad = await fetch(`${base}/api/status?period=1y`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /24h, 7d, 30d/);
    const health = await fetch(`${base}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok', redis: 'ok', monitors: 3 });
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    assert.equal((await fetch(`${base}/api/status`, { method: 'POST' })).status, 405);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { ConfigError, Prober, realClock, type Clock, type ReloadEvent, type RoundInfo } from '@llmtel/prober';
import { startEndpoints, type TestEndpoints } from './helpers/endpoints.ts';
import { makeConfigDir } from './helpers/files.ts';
import { captureLogger } from './helpers/logs.ts';
import { startRedis, type TestRedis } from './helpers/redis.ts';
import { waitFor } from './helpers/wait.ts';

function configText(base: string, opts: { interval?: string; bMethod?: string; withB?: boolean } = {}): string {
  const b = opts.withB
    ? `  - { provider: openai, service: b, url: "${base}/b", method: ${opts.bMethod ?? 'POST'}, body: "{}" }\n`
    : '';
  return `interval: ${opts.interval ?? '100ms'}
timeout: 1s
slow_threshold: 500ms
jitter: 0s
monitors:
  - { provider: openai, service: a, url: "${base}/a" }
${b}`;
}

describe('hot reload', () => {
  let redisServer: TestRedis;
  let redis: Redis;
  let endpoints: TestEndpoints;
  const dir = makeConfigDir();
  before(async () => {
    redisServer = await startRedis();
    redis = new Redis(redisServer.url);
    endpoints = await startEndpoints();
  });
  after(async () => {
    await redis.quit();
    await redisServer.stop();
    await endpoints.close();
    dir.cleanup();
  });

  it('applies a valid change from the next round, keeps the running config on an invalid one, honours a new interval', async () => {
    dir.writeConfig(configText(endpoints.url));
    // Real timers, with every requested delay recorded: the interval change must show up in them.
    const delays: { at: number; ms: number }[] = [];
    const clock: Clock = {
      now: realClock.now,
      setTimeout: (cb, ms) => {
        delays.push({ at: Date.now(), ms });
        return realClock.setTimeout(cb, ms);
      },
      clearTimeout: realClock.clearTimeout,
    };
    const logger = captureLogger();
    const prober = new Prober({ configPath: dir.configPath, redis, clock, logger });
    const rounds: RoundInfo[] = [];
    const reloads: { event: ReloadEvent; afterRound: number }[] = [];
    prober.on('round', (r) => rounds.push(r));
    prober.on('reload', (event) => reloads.push({ event, afterRound: rounds.length }));
    prober.start();
    try {
      await waitFor(() => endpoints.hits('/a').length >= 2, 'two probes of monitor a');
      assert.equal(endpoints.hits('/b').length, 0);

      // 1. A valid change: monitor b is added, and probed from the next round on.
      dir.writeConfig(configText(endpoints.url, { withB: true }));
      await waitFor(() => reloads.length >= 1, 'the reload');
      const added = reloads[0]!;
      assert.equal(added.event.ok, true);
      await waitFor(() => endpoints.hits('/b').length >= 2, 'probes of monitor b');
      assert.ok(
        rounds.slice(0, added.afterRound).every((r) => r.monitors === 1),
        'rounds before the reload ran the old config',
      );
      assert.ok(
        rounds.slice(added.afterRound).every((r) => r.monitors === 2),
        'every later round runs both monitors',
      );

      // 2. An invalid change is logged once and kept out; probing goes on with the running config.
      dir.writeConfig(configText(endpoints.url, { withB: true, bMethod: 'FETCH' }));
      await waitFor(() => reloads.length >= 2, 'the rejected reload');
      const rejected = reloads[1]!.event;
      assert.equal(rejected.ok, false);
      assert.ok(!rejected.ok && rejected.error instanceof ConfigError);
      assert.match(rejected.error.message, /monitor openai\/b \(monitors\[1\]\): method: "FETCH" is not one of/);
      const roundsAtReject = rounds.length;
      const bHits = endpoints.hits('/b').length;
      await waitFor(() => rounds.length >= roundsAtReject + 3, 'three more rounds');
      await waitFor(() => endpoints.hits('/b').length > bHits, 'b still probed');
      assert.ok(
        endpoints.hits('/b').every((r) => r.method === 'POST'),
        'b keeps its valid method',
      );
      assert.equal(prober.config.monitors.length, 2);
      const rejections = logger.lines.filter((l) => l.message.includes('config reload rejected'));
      assert.equal(rejections.length, 1, 'the same broken file is reported once, not every round');
      assert.equal(rejections[0]!.level, 'error');
      assert.match(rejections[0]!.message, /keeping the running config/);
      assert.equal(reloads.length, 2);

      // 3. A valid interval change moves the next round and every later one.
      dir.writeConfig(configText(endpoints.url, { withB: true, interval: '300ms' }));
      await waitFor(() => reloads.length >= 3, 'the interval reload');
      assert.equal(reloads[2]!.event.ok, true);
      const changedAt = Date.now();
      const roundsAtChange = rounds.length;
      await waitFor(() => rounds.length >= roundsAtChange + 2, 'two rounds at the new interval', 15_000);
      assert.ok(rounds.slice(roundsAtChange).every((r) => r.intervalMs === 300));
      const later = delays.filter((d) => d.at >= changedAt);
      assert.ok(later.length >= 2);
      assert.ok(
        later.every((d) => d.ms > 100 && d.ms <= 300),
        `round timers after the change wait longer than the old interval: ${later.map((d) => d.ms).join(', ')}`,
      );
      assert.deepEqual(
        later.slice(1).map((d) => d.ms),
        later.slice(1).map(() => 300),
      );
      assert.ok(logger.lines.some((l) => /config reloaded: 2 monitor\(s\) every 300ms/.test(l.message)));
    } finally {
      await prober.stop();
    }
  });
});

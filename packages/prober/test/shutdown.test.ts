import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { historyKey, Prober, type ProbeResult, type RoundInfo } from '@llmtel/prober';
import { startEndpoints, type TestEndpoints } from './helpers/endpoints.ts';
import { makeConfigDir } from './helpers/files.ts';
import { captureLogger } from './helpers/logs.ts';
import { startRedis, type TestRedis } from './helpers/redis.ts';
import { waitFor } from './helpers/wait.ts';

describe('graceful stop', () => {
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

  it('stops scheduling, lets the probe in flight finish and store its result, then resolves', async () => {
    dir.writeConfig(`
interval: 100ms
jitter: 0s
timeout: 5s
slow_threshold: 4s
monitors:
  - { provider: slow, service: chat, url: "${endpoints.url}/slow?ms=400" }
`);
    const prober = new Prober({ configPath: dir.configPath, redis, logger: captureLogger() });
    const results: ProbeResult[] = [];
    const rounds: RoundInfo[] = [];
    prober.on('result', (r) => results.push(r));
    prober.on('round', (r) => rounds.push(r));
    prober.start();
    await waitFor(() => endpoints.hits('/slow').length === 1, 'the probe to reach the endpoint');
    assert.equal(results.length, 0, 'the probe is still in flight');

    await prober.stop();
    assert.equal(results.length, 1, 'stop() waited for the probe');
    assert.equal(results[0]!.status, 1);
    assert.equal(await redis.zcard(historyKey('slow', 'chat')), 1, 'and for its history write');

    const roundsAtStop = rounds.length;
    const hits = endpoints.hits('/slow').length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(rounds.length, roundsAtStop, 'no round after stop');
    assert.equal(endpoints.hits('/slow').length, hits, 'no probe after stop');
  });
});

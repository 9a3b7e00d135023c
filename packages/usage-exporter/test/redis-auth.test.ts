import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startUsageExporter, type UsageExporter } from '@llmtel/usage-exporter';
import { startRedisServer, type RedisServer } from './helpers/redis.ts';
import { httpRequest, makeSpans, postTraces, randomCalls, toProtobuf } from './helpers/spans.ts';

const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;

describe('Redis with a password', () => {
  let redis: RedisServer;
  const exporters: UsageExporter[] = [];
  before(async () => {
    redis = await startRedisServer({ args: ['--requirepass', 's3cr3t/pw'] });
  });
  after(async () => {
    for (const e of exporters) await e.shutdown();
    await redis.stop();
  });

  it('authenticates with the password from the URL (percent-encoded)', async () => {
    const exporter = await startUsageExporter({
      redisUrl: `redis://:${encodeURIComponent('s3cr3t/pw')}@127.0.0.1:${redis.port}`,
      host: '127.0.0.1',
      port: 0,
    });
    exporters.push(exporter);
    const body = toProtobuf(await makeSpans(randomCalls(20, 91, ['pw-user'], today, 1)));
    assert.equal((await postTraces(exporter.address!.url, body)).status, 200);
    assert.equal(exporter.metrics.recordsWritten.get(), 20);
    assert.equal((await httpRequest(`${exporter.address!.url}/readyz`)).status, 200);
  });

  it('with a wrong password: not ready, and batches get 503, never 200', async () => {
    const exporter = await startUsageExporter({
      redisUrl: `redis://:wrong@127.0.0.1:${redis.port}`,
      host: '127.0.0.1',
      port: 0,
    });
    exporters.push(exporter);
    const body = toProtobuf(await makeSpans(randomCalls(5, 92, ['pw-user'], today, 1)));
    const res = await postTraces(exporter.address!.url, body);
    assert.equal(res.status, 503);
    assert.equal((await httpRequest(`${exporter.address!.url}/readyz`)).status, 503);
    assert.equal((await httpRequest(`${exporter.address!.url}/healthz`)).status, 200);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { Redis } from 'ioredis';
import {
  METRIC_LLMTEL_PROBE_DURATION,
  METRIC_LLMTEL_PROBE_STATUS,
  METRIC_LLMTEL_PROBE_UP,
  Prober,
  type ProbeResult,
} from '@llmtel/prober';
import { startEndpoints, type TestEndpoints } from './helpers/endpoints.ts';
import { makeConfigDir } from './helpers/files.ts';
import { captureLogger } from './helpers/logs.ts';
import { createTestOtel, dataPoints, descriptor } from './helpers/otel.ts';
import { startRedis, type TestRedis } from './helpers/redis.ts';
import { waitFor } from './helpers/wait.ts';

describe('telemetry', () => {
  let redisServer: TestRedis;
  let redis: Redis;
  let endpoints: TestEndpoints;
  const dir = makeConfigDir();
  const otel = createTestOtel();
  before(async () => {
    redisServer = await startRedis();
    redis = new Redis(redisServer.url);
    endpoints = await startEndpoints();
  });
  after(async () => {
    await otel.shutdown();
    await redis.quit();
    await redisServer.stop();
    await endpoints.close();
    dir.cleanup();
  });

  it('exports status and up gauges, a duration histogram and one CLIENT span per probe', async () => {
    dir.writeConfig(`
interval: 10s
jitter: 0s
monitors:
  - { provider: openai, service: chat, url: "${endpoints.url}/ok?key={{API_KEY}}", method: POST, body: "{}", api_key: sk-telemetry-9876 }
  - { provider: openai, service: broken, url: "${endpoints.url}/500" }
  - { provider: openai, service: limited, url: "${endpoints.url}/429" }
`);
    const prober = new Prober({
      configPath: dir.configPath,
      redis,
      logger: captureLogger(),
      meterProvider: otel.meterProvider,
      tracerProvider: otel.tracerProvider,
    });
    const results: ProbeResult[] = [];
    prober.on('result', (r) => results.push(r));
    prober.start();
    try {
      await waitFor(() => results.length >= 3, 'one round of three probes');
    } finally {
      await prober.stop();
    }

    const rm = await otel.collect();
    const byService = (name: string) =>
      new Map(dataPoints(rm, name).map((p) => [p.attributes['llmtel.probe.service'] as string, p]));

    const status = byService(METRIC_LLMTEL_PROBE_STATUS);
    assert.deepEqual([...status.entries()].map(([s, p]) => [s, p.value]).sort(), [
      ['broken', 0],
      ['chat', 1],
      ['limited', 2],
    ]);
    assert.equal(status.get('chat')!.attributes['llmtel.probe.provider'], 'openai');
    assert.equal(descriptor(rm, METRIC_LLMTEL_PROBE_STATUS)!.unit, '{status}');

    const up = byService(METRIC_LLMTEL_PROBE_UP);
    assert.deepEqual([...up.entries()].map(([s, p]) => [s, p.value]).sort(), [
      ['broken', 0],
      ['chat', 1],
      ['limited', 1],
    ]);

    assert.equal(descriptor(rm, METRIC_LLMTEL_PROBE_DURATION)!.unit, 's');
    const durations = dataPoints(rm, METRIC_LLMTEL_PROBE_DURATION);
    assert.equal(durations.length, 3);
    const broken = durations.find((p) => p.attributes['llmtel.probe.service'] === 'broken')!;
    assert.equal(broken.attributes['error.type'], '500');
    const hist = broken.value as { count: number; sum: number; buckets: { boundaries: number[] } };
    assert.equal(hist.count, 1);
    assert.ok(hist.sum < 60, 'recorded in seconds');
    assert.deepEqual(hist.buckets.boundaries, [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60]);

    const spans = otel.exporter.getFinishedSpans();
    assert.equal(spans.length, 3, 'one span per probe');
    const chat = spans.find((s) => s.name === 'probe openai chat')!;
    assert.equal(chat.kind, SpanKind.CLIENT);
    assert.equal(chat.attributes['http.request.method'], 'POST');
    assert.equal(chat.attributes['http.response.status_code'], 200);
    assert.equal(chat.attributes['llmtel.probe.status'], 1);
    assert.equal(chat.attributes['server.address'], '127.0.0.1');
    assert.equal(chat.attributes['server.port'], endpoints.port);
    assert.equal(chat.attributes['url.full'], `${endpoints.url}/ok?key=REDACTED`, 'the key in the query is redacted');
    assert.equal(chat.status.code, SpanStatusCode.UNSET);
    const brokenSpan = spans.find((s) => s.name === 'probe openai broken')!;
    assert.equal(brokenSpan.status.code, SpanStatusCode.ERROR);
    assert.equal(brokenSpan.attributes['error.type'], '500');
    assert.equal(brokenSpan.attributes['llmtel.probe.status'], 0);
    const limited = spans.find((s) => s.name === 'probe openai limited')!;
    assert.equal(limited.status.code, SpanStatusCode.UNSET, 'yellow is not an error');
    assert.equal(endpoints.hits('/ok').at(-1)!.path, '/ok');
  });
});

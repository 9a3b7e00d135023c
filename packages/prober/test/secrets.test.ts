import assert from 'node:assert/strict';
import { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createStatusServer, Prober, type ProbeResult, type ReloadEvent } from '@llmtel/prober';
import { startEndpoints, type TestEndpoints } from './helpers/endpoints.ts';
import { makeConfigDir } from './helpers/files.ts';
import { captureLogger } from './helpers/logs.ts';
import { createTestOtel } from './helpers/otel.ts';
import { freePort, startRedis, type TestRedis } from './helpers/redis.ts';
import { waitFor } from './helpers/wait.ts';

const FILE_KEY = 'sk-file-key-never-used-0000';
const ENV_KEY = 'sk-env-key-Zq81vXk3LmP0';

describe('secrets', () => {
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

  it('sends the env key (which wins over the file) but never shows it in logs, spans or API output', async () => {
    const refused = await freePort();
    dir.write('data/chat.json', '{"model":"gpt-4o-mini","metadata":{"key":"{{API_KEY}}"}}');
    const config = (method: string) => `
interval: 100ms
jitter: 0s
monitors:
  - provider: openai
    service: chat
    url: ${endpoints.url}/v1/chat/completions?api-key={{API_KEY}}
    method: ${method}
    api_key: ${FILE_KEY}
    headers: { Authorization: "Bearer {{API_KEY}}" }
    body: "!include data/chat.json"
  - { provider: openai, service: down, url: "http://127.0.0.1:${refused}/v1?key={{API_KEY}}", api_key: ${FILE_KEY} }
`;
    dir.writeConfig(config('POST'));
    const logger = captureLogger();
    const prober = new Prober({
      configPath: dir.configPath,
      redis,
      env: { MONITOR_OPENAI_CHAT_API_KEY: ENV_KEY },
      logger,
      meterProvider: otel.meterProvider,
      tracerProvider: otel.tracerProvider,
    });
    const results: ProbeResult[] = [];
    const reloads: ReloadEvent[] = [];
    prober.on('result', (r) => results.push(r));
    prober.on('reload', (r) => reloads.push(r));
    const server = createStatusServer(prober, prober.logger);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    prober.start();
    let api = '';
    try {
      await waitFor(() => results.filter((r) => r.service === 'chat').length >= 2, 'two chat probes');
      // Someone pastes the key into the wrong field: the rejection message would echo it.
      dir.writeConfig(config(`"${ENV_KEY}"`));
      await waitFor(() => reloads.length >= 1, 'the rejected reload');
      api =
        (await (await fetch(`${base}/api/status?period=24h`)).text()) + (await (await fetch(`${base}/health`)).text());
    } finally {
      await prober.stop();
      await new Promise((resolve) => server.close(resolve));
    }

    const seen = endpoints.hits('/v1/chat/completions').at(-1)!;
    assert.equal(seen.headers.authorization, `Bearer ${ENV_KEY}`, 'the env key is sent');
    assert.equal(JSON.parse(seen.body).metadata.key, ENV_KEY, 'and substituted into the included body');
    assert.ok(!JSON.stringify(endpoints.requests).includes(FILE_KEY), 'the file key lost to the env key');
    assert.ok(
      results.some((r) => r.service === 'down' && r.status === 0),
      'a failing monitor was logged too',
    );

    assert.equal(reloads[0]!.ok, false);
    const logText = logger.text();
    assert.match(logText, /config reload rejected/);
    assert.match(logText, /method: "\[REDACTED\]" is not one of/);
    const spanText = JSON.stringify(
      otel.exporter
        .getFinishedSpans()
        .map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events })),
    );
    assert.match(spanText, /api-key=REDACTED/);
    const redisText =
      JSON.stringify(await redis.keys('*')) +
      JSON.stringify(await redis.zrange('llmtel:prober:{openai:chat}:history', 0, -1));
    for (const [where, text] of [
      ['logs', logText],
      ['spans', spanText],
      ['API', api],
      ['Redis', redisText],
    ] as const) {
      assert.ok(text.length > 0, `${where} captured`);
      for (const key of [ENV_KEY, FILE_KEY]) assert.ok(!text.includes(key), `no key in ${where}`);
    }
  });
});

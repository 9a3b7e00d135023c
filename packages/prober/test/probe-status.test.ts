import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createProbeAgents, PROBE_STATUS, runProbe, type MonitorConfig } from '@llmtel/prober';
import { startEndpoints, type TestEndpoints } from './helpers/endpoints.ts';
import { freePort } from './helpers/redis.ts';

function monitor(url: string, overrides: Partial<MonitorConfig> = {}): MonitorConfig {
  return {
    provider: 'test',
    service: 'svc',
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"model":"m","max_tokens":1}',
    apiKey: undefined,
    timeoutMs: 2_000,
    slowThresholdMs: 1_000,
    ...overrides,
  };
}

describe('probe status', () => {
  let endpoints: TestEndpoints;
  const agents = createProbeAgents(4);
  before(async () => {
    endpoints = await startEndpoints();
  });
  after(async () => {
    agents.destroy();
    await endpoints.close();
  });

  it('is green for a 2xx within the slow threshold, with the latency in ms', async () => {
    const result = await runProbe(monitor(`${endpoints.url}/ok`), agents, Date.now);
    assert.equal(result.status, PROBE_STATUS.GREEN);
    assert.equal(result.httpStatus, 200);
    assert.equal(result.errorType, undefined);
    assert.ok(Number.isInteger(result.latencyMs) && result.latencyMs >= 0);
    const seen = endpoints.hits('/ok').at(-1)!;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.body, '{"model":"m","max_tokens":1}');
  });

  it('is yellow for a 2xx slower than the slow threshold', async () => {
    const result = await runProbe(
      monitor(`${endpoints.url}/slow?ms=150`, { slowThresholdMs: 50, timeoutMs: 5_000 }),
      agents,
      Date.now,
    );
    assert.equal(result.status, PROBE_STATUS.YELLOW);
    assert.equal(result.httpStatus, 200);
    // Lower bound only (timers may round by a millisecond): the latency includes the server's delay.
    assert.ok(result.latencyMs >= 145, `latency ${result.latencyMs} covers the server's delay`);
  });

  it('is red for a 500', async () => {
    const result = await runProbe(monitor(`${endpoints.url}/500`), agents, Date.now);
    assert.equal(result.status, PROBE_STATUS.RED);
    assert.equal(result.httpStatus, 500);
    assert.equal(result.errorType, '500');
  });

  it('is yellow for a 429 (rate limited: up, but not healthy)', async () => {
    const result = await runProbe(monitor(`${endpoints.url}/429`), agents, Date.now);
    assert.equal(result.status, PROBE_STATUS.YELLOW);
    assert.equal(result.httpStatus, 429);
    assert.equal(result.errorType, '429');
  });

  it('is red for other 4xx, such as a rejected key', async () => {
    const result = await runProbe(monitor(`${endpoints.url}/status/401`), agents, Date.now);
    assert.equal(result.status, PROBE_STATUS.RED);
    assert.equal(result.errorType, '401');
  });

  it('is red with error.type timeout when the endpoint hangs past the timeout', async () => {
    const result = await runProbe(
      monitor(`${endpoints.url}/hang`, { timeoutMs: 200, slowThresholdMs: 100 }),
      agents,
      Date.now,
    );
    assert.equal(result.status, PROBE_STATUS.RED);
    assert.equal(result.errorType, 'timeout');
    assert.equal(result.httpStatus, undefined);
    assert.ok(result.latencyMs >= 195, `latency ${result.latencyMs} runs to the timeout`);
  });

  it('is red with error.type connection_refused when nothing listens', async () => {
    const port = await freePort();
    const result = await runProbe(monitor(`http://127.0.0.1:${port}/v1/chat/completions`), agents, Date.now);
    assert.equal(result.status, PROBE_STATUS.RED);
    assert.equal(result.errorType, 'connection_refused');
  });

  it('is red with error.type tls_error when the TLS handshake fails', async () => {
    // https:// to a plain-HTTP server: the handshake fails on the loopback, like a broken certificate setup would.
    const result = await runProbe(monitor(`https://127.0.0.1:${endpoints.port}/ok`), agents, Date.now);
    assert.equal(result.status, PROBE_STATUS.RED);
    assert.equal(result.errorType, 'tls_error');
  });

  it('reuses pooled keep-alive connections between probes', async () => {
    const pool = createProbeAgents(1);
    try {
      for (let i = 0; i < 3; i++) await runProbe(monitor(`${endpoints.url}/keepalive`), pool, Date.now);
    } finally {
      pool.destroy();
    }
    const ports = new Set(endpoints.hits('/keepalive').map((r) => r.remotePort));
    assert.equal(ports.size, 1, 'three probes, one connection');
  });

  it('stamps the result with the injected wall clock', async () => {
    const result = await runProbe(monitor(`${endpoints.url}/ok`), agents, () => 1_700_000_000_000);
    assert.equal(result.timestamp, 1_700_000_000_000);
    assert.equal(result.provider, 'test');
    assert.equal(result.service, 'svc');
  });
});

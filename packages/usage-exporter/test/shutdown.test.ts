import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { UsageStore } from '@llmtel/usage';
import { startUsageExporter } from '@llmtel/usage-exporter';
import { expectedBy, makeSpans, randomCalls, toProtobuf, utcDay } from './helpers/spans.ts';
import { startRedisServer } from './helpers/redis.ts';

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('graceful shutdown', () => {
  it('stops accepting, finishes the in-flight batch, then closes Redis', async () => {
    const redis = await startRedisServer();
    const exporter = await startUsageExporter({ redisUrl: redis.url, host: '127.0.0.1', port: 0 });
    const client = new Redis(redis.port, '127.0.0.1');
    try {
      const { port } = exporter.address!;
      const calls = randomCalls(300, 61, ['shut'], today, 1);
      const body = toProtobuf(await makeSpans(calls));

      // A batch whose body is still arriving when shutdown starts.
      let finishBody!: () => void;
      let firstPartSent!: () => void;
      const started = new Promise<void>((r) => (firstPartSent = r));
      const response = new Promise<number>((resolve, reject) => {
        const headers = { 'Content-Type': 'application/x-protobuf', 'Content-Length': String(body.length) };
        const req = request(
          { host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent: false, headers },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode!));
          },
        );
        req.on('error', reject);
        req.write(body.subarray(0, 100), () => firstPartSent());
        finishBody = () => req.end(body.subarray(100));
      });
      await started;
      // Wait (bounded) until the server counts the request as in flight.
      for (let i = 0; i < 200 && exporter.inflightRequests === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(exporter.inflightRequests, 1);

      const shutdown = exporter.shutdown();
      assert.equal(await canConnect(port), false, 'no new connections once shutdown started');
      finishBody();
      assert.equal(await response, 200, 'the in-flight batch is finished and acknowledged');
      await shutdown;
      assert.equal((exporter.store.redis as Redis).status, 'end', 'its Redis client is closed');

      const report = await new UsageStore(client).getUsage({
        userId: 'shut',
        from: new Date(utcDay(today)),
        to: new Date(today + DAY),
      });
      assert.deepEqual(report.totals, expectedBy(calls, () => 'x').get('x'));
    } finally {
      await exporter.shutdown();
      client.disconnect();
      await redis.stop();
    }
  });
});

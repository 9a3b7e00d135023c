// An exporter on a real Redis, both on loopback, for one test file.
import { Redis } from 'ioredis';
import { UsageStore } from '@llmtel/usage';
import { startUsageExporter, type UsageExporter, type UsageExporterConfig } from '@llmtel/usage-exporter';
import { startRedisServer, type RedisServer, type RedisServerOptions } from './redis.ts';
import { httpRequest, type HttpResult } from './spans.ts';

export const TOKEN = 'test-token-7f3a';

export interface Service {
  redis: RedisServer;
  exporter: UsageExporter;
  url: string;
  /** A separate client for assertions; closed by close(). */
  client: Redis;
  /** A store on `client`, same key prefix as the exporter. */
  store: UsageStore;
  api(path: string, init?: { method?: string; body?: string; token?: string | null }): Promise<HttpResult>;
  close(): Promise<void>;
}

export async function startService(
  config: UsageExporterConfig = {},
  redisOptions: RedisServerOptions = {},
): Promise<Service> {
  const redis = await startRedisServer(redisOptions);
  const exporter = await startUsageExporter({
    redisUrl: redis.url,
    host: '127.0.0.1',
    port: 0,
    apiToken: TOKEN,
    ...config,
  });
  const url = exporter.address!.url;
  const client = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  client.on('error', () => {
    // Expected while a test has Redis down; the assertions use the exporter's answers.
  });
  const store = new UsageStore(client, config.storeOptions ?? {});
  return {
    redis,
    exporter,
    url,
    client,
    store,
    api(path, init = {}) {
      const token = init.token === undefined ? TOKEN : init.token;
      return httpRequest(url + path, {
        method: init.method ?? 'GET',
        headers: {
          ...(token !== null ? { Authorization: `Bearer ${token}` } : {}),
          ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(init.body !== undefined ? { body: init.body } : {}),
      });
    },
    async close() {
      await exporter.shutdown();
      client.disconnect();
      await redis.stop();
    },
  };
}

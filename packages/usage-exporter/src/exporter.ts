import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { diag } from '@opentelemetry/api';
import type { Cluster, Redis } from 'ioredis';
import { UsageStore, USAGE_SPAN_ATTRIBUTES, type UsageRecord } from '@llmtel/usage';
import { resolveConfig, type ResolvedConfig } from './config.js';
import { ExporterMetrics } from './metrics.js';
import { createRedisClient, redactRedisUrl, SERVICE_REDIS_OPTIONS } from './redis.js';
import { HttpError } from './http/body.js';
import { hasBearerToken } from './http/auth.js';
import { handleQuery } from './http/query-api.js';
import { sendJson, sendText } from './http/respond.js';
import { handleTraces } from './http/traces.js';
import { CONTENT_ATTRIBUTES, SpanConverter } from './span-records.js';
import type { UsageExporterAddress, UsageExporterConfig } from './types.js';
import type { QueryStore } from './internal-types.js';

const TOP_USERS_REFRESH_MS = 15_000;
const READY_TIMEOUT_MS = 2_000;
const CONNECT_WAIT_MS = 5_000;

/**
 * The usage exporter service: OTLP/HTTP in at `/v1/traces`, usage records out to Redis, plus the query API,
 * health endpoints and Prometheus metrics, all on one port.
 */
export class UsageExporter {
  readonly metrics = new ExporterMetrics();
  readonly config: ResolvedConfig;
  readonly store: UsageStore;
  private readonly redis: Redis | Cluster | undefined;
  private readonly ownsRedis: boolean;
  private readonly server: Server;
  private readonly converter: SpanConverter;
  /** Only the attributes usage records are made of are decoded; message content and the rest are skipped unread. */
  private readonly decodeOptions = { skipAttributes: CONTENT_ATTRIBUTES, onlyAttributes: USAGE_SPAN_ATTRIBUTES };
  private inflight = 0;
  private drained: (() => void) | undefined;
  private closing = false;
  private shutdownPromise: Promise<void> | undefined;
  private topUsersAt = 0;
  private topUsersRefresh: Promise<void> | undefined;
  private lastRedisErrorLog = 0;

  constructor(config: UsageExporterConfig = {}) {
    this.config = resolveConfig(config);
    if (config.store) {
      this.store = config.store;
      this.ownsRedis = false;
    } else {
      this.redis = config.redis ?? createRedisClient(this.config.redisUrl, SERVICE_REDIS_OPTIONS);
      this.ownsRedis = !config.redis;
      this.redis.on('error', (err: Error) => this.logRedisError(err));
      this.store = new UsageStore(this.redis, config.storeOptions);
    }
    this.converter = new SpanConverter(config.pricing ? { pricing: config.pricing } : {});
    this.metrics.topUsersLabel = 'billing cycle';
    this.server = createServer((req, res) => this.onRequest(req, res));
    // Collectors keep connections open between batches; 65 s outlives their usual 60 s idle timeout.
    this.server.keepAliveTimeout = 65_000;
  }

  /** Starts listening; resolves with the bound address. Redis may still be connecting (the receiver then answers 503). */
  async start(): Promise<UsageExporterAddress> {
    if (this.redis && this.ownsRedis) {
      // Wait for the first connection (bounded) so a fresh exporter does not turn the first batches away; when Redis
      // is down the exporter still starts, answers 503 and keeps reconnecting.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.redis.connect().catch((err: Error) => this.logRedisError(err)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, CONNECT_WAIT_MS))),
      ]);
      clearTimeout(timer);
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.port, this.config.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.address!;
    diag.info(
      `llmtel-usage-exporter: listening on ${address.url}, Redis ${redactRedisUrl(this.config.redisUrl)}, ` +
        `query API ${this.config.apiToken ? 'on' : 'off (LLMTEL_API_TOKEN unset)'}`,
    );
    return address;
  }

  get address(): UsageExporterAddress | undefined {
    const a = this.server.address() as AddressInfo | null;
    if (!a || typeof a !== 'object') return undefined;
    const host = a.address === '0.0.0.0' || a.address === '::' ? '127.0.0.1' : a.address;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    return { host: a.address, port: a.port, url: `http://${urlHost}:${a.port}` };
  }

  /** Requests being handled right now. */
  get inflightRequests(): number {
    return this.inflight;
  }

  /**
   * Stops accepting connections, lets in-flight batches finish (up to `shutdownTimeoutMs`), then closes the
   * remaining connections and the Redis client it created. Safe to call more than once.
   */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.inflight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (this.drained = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, this.config.shutdownTimeoutMs))),
      ]);
      clearTimeout(timer);
      if (this.inflight > 0) diag.warn(`llmtel-usage-exporter: ${this.inflight} request(s) cut off by shutdown`);
    }
    this.server.closeAllConnections();
    await closed;
    await this.topUsersRefresh;
    if (this.redis && this.ownsRedis) await closeRedis(this.redis);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.inflight++;
    let route = 'other';
    void this.route(req, res, (r) => (route = r))
      .catch((err: unknown) => {
        if (err instanceof HttpError) {
          sendJson(res, err.status, { error: err.message }, err.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
          return err.status;
        }
        diag.error('llmtel-usage-exporter: request failed', err);
        if (isRedisError(err)) {
          sendJson(
            res,
            503,
            { error: 'usage store unavailable' },
            { 'Retry-After': String(this.config.retryAfterSeconds) },
          );
          return 503;
        }
        sendJson(res, 500, { error: 'internal error' });
        return 500;
      })
      .then((status) => this.metrics.httpRequests.inc(1, { route, code: String(status) }))
      .finally(() => {
        if (--this.inflight === 0 && this.drained) this.drained();
      });
  }

  private async route(req: IncomingMessage, res: ServerResponse, setRoute: (r: string) => void): Promise<number> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/v1/traces') {
      setRoute('traces');
      return handleTraces(req, res, {
        maxBodyBytes: this.config.maxBodyBytes,
        retryAfterSeconds: this.config.retryAfterSeconds,
        metrics: this.metrics,
        decodeOptions: this.decodeOptions,
        convert: (spans) => this.converter.convert(spans),
        write: (records) => this.write(records),
        isClosing: () => this.closing,
      });
    }
    if (path === '/healthz') {
      setRoute('healthz');
      sendText(res, 200, 'ok\n');
      return 200;
    }
    if (path === '/readyz') {
      setRoute('readyz');
      const ready = !this.closing && (await this.ping());
      sendText(res, ready ? 200 : 503, ready ? 'ready\n' : 'not ready: Redis unreachable\n');
      return ready ? 200 : 503;
    }
    if (path === '/metrics') {
      setRoute('metrics');
      await this.refreshTopUsers();
      sendText(res, 200, this.metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
      return 200;
    }
    if (path.startsWith('/v1/usage') || path.startsWith('/v1/limits/')) {
      setRoute('query');
      if (!this.config.apiToken) throw new HttpError(404, 'query API disabled: set LLMTEL_API_TOKEN to enable it');
      if (!hasBearerToken(req, this.config.apiToken)) throw new HttpError(401, 'missing or wrong bearer token');
      return handleQuery(req, res, url, this.timedQueryStore());
    }
    throw new HttpError(404, `no route ${path}`);
  }

  private async write(records: UsageRecord[]): Promise<{ applied: number; duplicates: number }> {
    return this.timed('record_batch', () => this.store.recordBatch(records));
  }

  private async timed<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } catch (err) {
      this.metrics.redisErrors.inc(1, { operation });
      throw err;
    } finally {
      this.metrics.redisLatency.observe((performance.now() - start) / 1000, { operation });
    }
  }

  private timedQueryStore(): QueryStore {
    const store = this.store;
    return {
      getUsage: (q) => this.timed('query', () => store.getUsage(q)),
      topUsers: (n, by) => this.timed('query', () => store.topUsers(n, by)),
      listModels: () => this.timed('query', () => store.listModels()),
      listAgents: () => this.timed('query', () => store.listAgents()),
      countUsers: () => this.timed('query', () => store.countUsers()),
      getLimits: (u) => this.timed('query', () => store.getLimits(u)),
      setLimits: (u, l) => this.timed('query', () => store.setLimits(u, l)),
      deleteLimits: (u) => this.timed('query', () => store.deleteLimits(u)),
    };
  }

  private async ping(): Promise<boolean> {
    const redis = this.redis ?? storeRedis(this.store);
    if (!redis) return true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await this.timed('ping', () =>
        Promise.race([
          redis.ping(),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('ping timed out')), READY_TIMEOUT_MS))),
        ]),
      );
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Refreshes the top-N gauge at most every 15 s, so frequent scrapes do not each walk the user index. */
  private async refreshTopUsers(): Promise<void> {
    if (this.config.metricsTopUsers === 0 || Date.now() - this.topUsersAt < TOP_USERS_REFRESH_MS) return;
    this.topUsersRefresh ??= this.timed('top_users', () => this.store.topUsers(this.config.metricsTopUsers, 'cost'))
      .then((rows) => {
        this.metrics.topUsers = rows
          .slice(0, this.config.metricsTopUsers)
          .map((r) => ({ user: r.user, costUsd: r.totals.cost_usd }));
        this.topUsersAt = Date.now();
      })
      .catch((err: Error) => this.logRedisError(err))
      .finally(() => (this.topUsersRefresh = undefined));
    await this.topUsersRefresh;
  }

  private logRedisError(err: Error): void {
    // ioredis emits an error per reconnection attempt; one line per 10 s is enough to tell an operator.
    const now = Date.now();
    if (now - this.lastRedisErrorLog < 10_000) return;
    this.lastRedisErrorLog = now;
    diag.warn(`llmtel-usage-exporter: Redis: ${err.message}`);
  }
}

/** QUIT, then wait (bounded) until the socket is closed, so that shutdown leaves nothing open behind it. */
async function closeRedis(redis: Redis | Cluster): Promise<void> {
  if (redis.status === 'end') return;
  const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
  await redis.quit().catch(() => redis.disconnect());
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)))]);
  clearTimeout(timer);
  // The status changed while awaiting; TypeScript still narrows it from the check above.
  if ((redis.status as string) !== 'end') redis.disconnect();
}

function isRedisError(err: unknown): boolean {
  const name = (err as Error | undefined)?.name ?? '';
  const message = (err as Error | undefined)?.message ?? '';
  return (
    name === 'MaxRetriesPerRequestError' ||
    name === 'ReplyError' ||
    /Stream isn't writeable|Connection is closed|ECONNREFUSED|Command timed out/.test(message)
  );
}

function storeRedis(store: UsageStore): { ping(): Promise<unknown> } | undefined {
  const redis = (store as unknown as { redis?: { ping(): Promise<unknown> } }).redis;
  return redis && typeof redis.ping === 'function' ? redis : undefined;
}

/** Creates and starts an exporter. */
export async function startUsageExporter(config: UsageExporterConfig = {}): Promise<UsageExporter> {
  const exporter = new UsageExporter(config);
  await exporter.start();
  return exporter;
}

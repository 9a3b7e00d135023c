import type { Cluster, Redis } from 'ioredis';
import type { UsageStore, UsageStoreOptions } from '@llmtel/usage';
import type { PricingTable } from '@llmtel/core';

/**
 * Configuration of the usage exporter service. Every field also has an environment variable (the binary additionally
 * takes command-line flags); a value given in code wins over the variable.
 */
export interface UsageExporterConfig {
  /**
   * Redis to store usage in: `redis://[user:password@]host:port[/db]`, `rediss://…` for TLS, several comma-separated
   * `host:port` pairs (or `?cluster=true`) for Redis Cluster. Ignored when `redis` or `store` is given.
   * Env `LLMTEL_REDIS_URL`. Default `redis://127.0.0.1:6379`.
   */
  redisUrl?: string;
  /** An existing ioredis client to use instead of `redisUrl`. The exporter does not close a client it did not create. */
  redis?: Redis | Cluster;
  /** A ready store to use instead of creating one on `redis`; the exporter does not close it. */
  store?: UsageStore;
  /** Options of the store the exporter creates (key prefix, dedupe TTL, …). */
  storeOptions?: UsageStoreOptions;
  /** Interface to listen on. Env `LLMTEL_USAGE_HOST`. Default `0.0.0.0`. */
  host?: string;
  /** Port for OTLP/HTTP and the API; 0 picks a free port. Env `LLMTEL_USAGE_PORT`. Default `4319`. */
  port?: number;
  /**
   * Bearer token of the query API (`/v1/usage…`, `/v1/limits/…`). Without a token the query API is off (404):
   * it is never open. Env `LLMTEL_API_TOKEN`.
   */
  apiToken?: string;
  /**
   * Largest accepted request body in bytes, both as sent and after gzip inflation (413 beyond).
   * Env `LLMTEL_USAGE_MAX_BODY_BYTES`. Default 16777216 (16 MiB).
   */
  maxBodyBytes?: number;
  /** How many of the top users by cycle cost `/metrics` exposes. Env `LLMTEL_USAGE_METRICS_TOP_USERS`. Default 20. */
  metricsTopUsers?: number;
  /** `Retry-After` seconds sent with 503 when Redis is unavailable. Default 5. */
  retryAfterSeconds?: number;
  /** How long shutdown waits for in-flight batches before closing connections, in ms. Default 10000. */
  shutdownTimeoutMs?: number;
  /** Prices for spans without `llmtel.usage.cost_usd`. Default: the core pricing table (and `LLMTEL_PRICING_FILE`). */
  pricing?: PricingTable;
}

/** The exporter's address once listening. */
export interface UsageExporterAddress {
  host: string;
  port: number;
  /** `http://host:port`, with a loopback host when listening on all interfaces. */
  url: string;
}

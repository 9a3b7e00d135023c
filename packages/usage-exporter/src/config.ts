import { diag } from '@opentelemetry/api';
import type { UsageExporterConfig } from './types.js';

export const ENV_REDIS_URL = 'LLMTEL_REDIS_URL';
export const ENV_HOST = 'LLMTEL_USAGE_HOST';
export const ENV_PORT = 'LLMTEL_USAGE_PORT';
export const ENV_API_TOKEN = 'LLMTEL_API_TOKEN';
export const ENV_MAX_BODY_BYTES = 'LLMTEL_USAGE_MAX_BODY_BYTES';
export const ENV_METRICS_TOP_USERS = 'LLMTEL_USAGE_METRICS_TOP_USERS';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_PORT = 4319;
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_METRICS_TOP_USERS = 20;
export const DEFAULT_RETRY_AFTER_SECONDS = 5;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

type Env = Readonly<Record<string, string | undefined>>;

/** Configuration with every default applied. */
export interface ResolvedConfig {
  redisUrl: string;
  host: string;
  port: number;
  apiToken: string | undefined;
  maxBodyBytes: number;
  metricsTopUsers: number;
  retryAfterSeconds: number;
  shutdownTimeoutMs: number;
}

export function resolveConfig(config: UsageExporterConfig, env: Env = process.env): ResolvedConfig {
  return {
    redisUrl: resolveString(config.redisUrl, ENV_REDIS_URL, DEFAULT_REDIS_URL, env),
    host: resolveString(config.host, ENV_HOST, DEFAULT_HOST, env),
    port: resolveInteger(config.port, ENV_PORT, DEFAULT_PORT, 0, 65535, env),
    apiToken: resolveOptionalString(config.apiToken, ENV_API_TOKEN, env),
    maxBodyBytes: resolveInteger(config.maxBodyBytes, ENV_MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES, 1, 2 ** 31, env),
    metricsTopUsers: resolveInteger(
      config.metricsTopUsers,
      ENV_METRICS_TOP_USERS,
      DEFAULT_METRICS_TOP_USERS,
      0,
      1000,
      env,
    ),
    retryAfterSeconds: resolveInteger(config.retryAfterSeconds, undefined, DEFAULT_RETRY_AFTER_SECONDS, 1, 3600, env),
    shutdownTimeoutMs: resolveInteger(
      config.shutdownTimeoutMs,
      undefined,
      DEFAULT_SHUTDOWN_TIMEOUT_MS,
      0,
      3_600_000,
      env,
    ),
  };
}

function envValue(name: string | undefined, env: Env): string | undefined {
  if (name === undefined) return undefined;
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

export function resolveString(code: string | undefined, envName: string, fallback: string, env: Env): string {
  if (code !== undefined) {
    if (typeof code !== 'string' || code === '')
      throw new TypeError(`expected a non-empty string, got ${String(code)}`);
    return code;
  }
  return envValue(envName, env) ?? fallback;
}

export function resolveOptionalString(code: string | undefined, envName: string, env: Env): string | undefined {
  if (code !== undefined) {
    if (typeof code !== 'string' || code === '') throw new TypeError('expected a non-empty string');
    return code;
  }
  return envValue(envName, env);
}

export function resolveInteger(
  code: number | undefined,
  envName: string | undefined,
  fallback: number,
  min: number,
  max: number,
  env: Env,
): number {
  if (code !== undefined) {
    if (!Number.isInteger(code) || code < min || code > max) {
      throw new RangeError(`expected an integer from ${min} to ${max}, got ${String(code)}`);
    }
    return code;
  }
  const raw = envValue(envName, env);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (/^\d+$/.test(raw) && value >= min && value <= max) return value;
  diag.warn(
    `llmtel-usage-exporter: ${envName}=${JSON.stringify(raw)} is not an integer from ${min} to ${max}; using ${fallback}`,
  );
  return fallback;
}

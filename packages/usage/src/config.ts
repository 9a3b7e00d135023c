// Option resolution: value in code ?? environment variable ?? default. A bad value in code throws; a bad
// environment value warns and falls back to the default, so a typo in deployment never stops the app.
import { diag } from '@opentelemetry/api';
import { type BudgetGuardOptions, type BudgetMode, type UsageStoreOptions } from './types.js';

export interface ResolvedStoreOptions {
  keyPrefix: string;
  dedupeTtlSeconds: number;
  dailyRetentionDays: number;
  cycleStartDay: number;
  anonymousUser: string;
  maxBatchSize: number;
}

export interface ResolvedGuardOptions {
  mode: BudgetMode;
  timeoutMs: number;
  failOpen: boolean;
  reservationTtlMs: number;
  limitsCacheMs: number;
}

type Env = Record<string, string | undefined>;

function checkInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

function envInt(env: Env, variable: string, min: number, max: number, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    diag.warn(`llmtel usage: ignoring ${variable}=${JSON.stringify(raw)}: expected an integer in [${min}, ${max}]`);
    return fallback;
  }
  return value;
}

function envString(env: Env, variable: string, valid: (v: string) => boolean, fallback: string): string {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!valid(raw.trim())) {
    diag.warn(`llmtel usage: ignoring invalid ${variable}=${JSON.stringify(raw)}`);
    return fallback;
  }
  return raw.trim();
}

function envBool(env: Env, variable: string, fallback: boolean): boolean {
  const raw = env[variable]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  diag.warn(`llmtel usage: ignoring ${variable}=${JSON.stringify(raw)}: expected true or false`);
  return fallback;
}

const validPrefix = (p: string): boolean => p.length > 0 && !/[{}]/.test(p);
const MAX_INT = 2 ** 31 - 1;

export function resolveStoreOptions(options: UsageStoreOptions = {}, env: Env = process.env): ResolvedStoreOptions {
  if (options.keyPrefix !== undefined && !validPrefix(options.keyPrefix)) {
    throw new TypeError(`keyPrefix must be non-empty and contain no braces, got ${JSON.stringify(options.keyPrefix)}`);
  }
  if (options.anonymousUser !== undefined && options.anonymousUser === '') {
    throw new TypeError('anonymousUser must not be empty');
  }
  return {
    keyPrefix: options.keyPrefix ?? envString(env, 'LLMTEL_USAGE_KEY_PREFIX', validPrefix, 'llmtel'),
    dedupeTtlSeconds:
      options.dedupeTtlSeconds !== undefined
        ? checkInt('dedupeTtlSeconds', options.dedupeTtlSeconds, 1, MAX_INT)
        : envInt(env, 'LLMTEL_USAGE_DEDUPE_TTL_SECONDS', 1, MAX_INT, 172_800),
    dailyRetentionDays: resolveRetention(options.dailyRetentionDays, env),
    cycleStartDay:
      options.cycleStartDay !== undefined
        ? checkInt('cycleStartDay', options.cycleStartDay, 1, 31)
        : envInt(env, 'LLMTEL_USAGE_CYCLE_START_DAY', 1, 31, 1),
    anonymousUser: options.anonymousUser ?? envString(env, 'LLMTEL_USAGE_ANONYMOUS_USER', (v) => v !== '', 'anonymous'),
    maxBatchSize: options.maxBatchSize !== undefined ? checkInt('maxBatchSize', options.maxBatchSize, 1, 10_000) : 2048,
  };
}

/**
 * Day buckets answer every report but whole-cycle totals, including the current cycle broken down by model: they
 * must outlive the longest billing cycle (31 days), or be kept forever (0).
 */
const MIN_RETENTION_DAYS = 31;

function resolveRetention(value: number | undefined, env: Env): number {
  if (value !== undefined) {
    checkInt('dailyRetentionDays', value, 0, 100_000);
    if (value !== 0 && value < MIN_RETENTION_DAYS) {
      throw new RangeError(`dailyRetentionDays must be 0 (forever) or at least ${MIN_RETENTION_DAYS}, got ${value}`);
    }
    return value;
  }
  const days = envInt(env, 'LLMTEL_USAGE_DAILY_RETENTION_DAYS', 0, 100_000, 400);
  if (days !== 0 && days < MIN_RETENTION_DAYS) {
    diag.warn(
      `llmtel usage: ignoring LLMTEL_USAGE_DAILY_RETENTION_DAYS=${days}: use 0 or at least ${MIN_RETENTION_DAYS}`,
    );
    return 400;
  }
  return days;
}

const MODES: readonly string[] = ['enforce', 'warn', 'off'];

export function resolveGuardOptions(options: BudgetGuardOptions = {}, env: Env = process.env): ResolvedGuardOptions {
  if (options.mode !== undefined && !MODES.includes(options.mode)) {
    throw new TypeError(`mode must be one of ${MODES.join(', ')}, got ${JSON.stringify(options.mode)}`);
  }
  return {
    mode: options.mode ?? (envString(env, 'LLMTEL_BUDGET_MODE', (v) => MODES.includes(v), 'enforce') as BudgetMode),
    timeoutMs:
      options.timeoutMs !== undefined
        ? checkInt('timeoutMs', options.timeoutMs, 1, 60_000)
        : envInt(env, 'LLMTEL_BUDGET_TIMEOUT_MS', 1, 60_000, 50),
    failOpen: options.failOpen ?? envBool(env, 'LLMTEL_BUDGET_FAIL_OPEN', true),
    reservationTtlMs:
      options.reservationTtlMs !== undefined
        ? checkInt('reservationTtlMs', options.reservationTtlMs, 1, MAX_INT)
        : envInt(env, 'LLMTEL_BUDGET_RESERVATION_TTL_MS', 1, MAX_INT, 300_000),
    limitsCacheMs:
      options.limitsCacheMs !== undefined ? checkInt('limitsCacheMs', options.limitsCacheMs, 0, MAX_INT) : 1000,
  };
}

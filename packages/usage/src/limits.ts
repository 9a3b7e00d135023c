// Encoding of budget limits in Redis hashes: tokens as an integer, cost as integer micro-dollars.
import { type Cluster, type Redis } from 'ioredis';
import { CONFIG_FIELDS } from './keys.js';
import { type BudgetLimits } from './types.js';
import { costUsdToMicros, microsToUsd } from './utils.js';

/** Limits in stored units; absent = no limit. */
export interface RawLimits {
  tokens?: number;
  costMicros?: number;
}

export function validateLimits(limits: BudgetLimits): RawLimits {
  if (limits === null || typeof limits !== 'object') throw new TypeError('limits must be an object');
  const raw: RawLimits = {};
  if (limits.tokens !== undefined) {
    if (!Number.isSafeInteger(limits.tokens) || limits.tokens < 0) {
      throw new RangeError(`limits.tokens must be a non-negative integer, got ${limits.tokens}`);
    }
    raw.tokens = limits.tokens;
  }
  if (limits.costUsd !== undefined) {
    const micros = costUsdToMicros(limits.costUsd);
    if (micros === undefined || !Number.isSafeInteger(micros)) {
      throw new RangeError(`limits.costUsd must be a non-negative number, got ${limits.costUsd}`);
    }
    raw.costMicros = micros;
  }
  return raw;
}

/** From an HMGET of `lim_tokens`, `lim_cost`. */
export function rawLimitsFromValues(values: readonly (string | null)[]): RawLimits {
  const raw: RawLimits = {};
  const tokens = values[0] == null ? NaN : Number(values[0]);
  const cost = values[1] == null ? NaN : Number(values[1]);
  if (Number.isFinite(tokens)) raw.tokens = tokens;
  if (Number.isFinite(cost)) raw.costMicros = cost;
  return raw;
}

export function toBudgetLimits(raw: RawLimits): BudgetLimits | undefined {
  if (raw.tokens === undefined && raw.costMicros === undefined) return undefined;
  const limits: BudgetLimits = {};
  if (raw.tokens !== undefined) limits.tokens = raw.tokens;
  if (raw.costMicros !== undefined) limits.costUsd = microsToUsd(raw.costMicros);
  return limits;
}

export const LIMIT_FIELDS = [CONFIG_FIELDS.limitTokens, CONFIG_FIELDS.limitCost] as const;

export async function readLimits(redis: Redis | Cluster, key: string): Promise<RawLimits> {
  return rawLimitsFromValues(await redis.hmget(key, ...LIMIT_FIELDS));
}

/** Replaces both limits of `key` in one transaction; a quantity left out has no limit. */
export async function writeLimits(redis: Redis | Cluster, key: string, raw: RawLimits): Promise<void> {
  const multi = redis.multi().hdel(key, ...LIMIT_FIELDS);
  if (raw.tokens !== undefined) multi.hset(key, CONFIG_FIELDS.limitTokens, raw.tokens);
  if (raw.costMicros !== undefined) multi.hset(key, CONFIG_FIELDS.limitCost, raw.costMicros);
  const replies = await multi.exec();
  const failed = replies?.find(([err]) => err)?.[0];
  if (failed) throw failed;
}

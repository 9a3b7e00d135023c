// Every Redis key the package uses. The Lua scripts (lua/*.lua) derive the per-user keys from the same shapes, so a
// change here must be made there too. Per-user keys share the hash tag `{u:<user>}`, which keeps all keys of a user
// in one cluster slot: a script may then touch all of them on a Redis Cluster.

/** `<prefix>:{u:<user>}`: the base of every per-user key, and the key scripts are routed by. */
export function userBaseKey(prefix: string, user: string): string {
  return `${prefix}:{u:${user}}`;
}

/** Hash: `cycle_start` (YYYY-MM-DD), `lim_tokens`, `lim_cost` (micro-dollars). */
export function userConfigKey(prefix: string, user: string): string {
  return `${userBaseKey(prefix, user)}:cfg`;
}

/** Hash of the counters of the billing cycle starting on `cycleStart` (YYYYMMDD). */
export function userCycleKey(prefix: string, user: string, cycleStart: string): string {
  return `${userBaseKey(prefix, user)}:c:${cycleStart}`;
}

/** Hash of the counters of one UTC day (YYYYMMDD); expires after the daily retention. */
export function userDayKey(prefix: string, user: string, day: string): string {
  return `${userBaseKey(prefix, user)}:d:${day}`;
}

/** Hash of open budget reservations: id -> "<expires at ms> <tokens> <cost micros>". */
export function userReservationsKey(prefix: string, user: string): string {
  return `${userBaseKey(prefix, user)}:resv`;
}

/** String set NX with the dedupe TTL when a record is applied. */
export function userDedupeKey(prefix: string, user: string, recordId: string): string {
  return `${userBaseKey(prefix, user)}:dd:${recordId}`;
}

export type IndexName = 'users' | 'models' | 'providers' | 'agents';

/** Set of every user / model / provider / agent ever recorded (never expired). */
export function indexKey(prefix: string, name: IndexName): string {
  return `${prefix}:idx:${name}`;
}

/** Hash `lim_tokens`, `lim_cost` of a tenant's limits. */
export function tenantLimitsKey(prefix: string, tenant: string): string {
  return `${prefix}:limits:tenant:${tenant}`;
}

/** Hash `lim_tokens`, `lim_cost` of the default limits. */
export function defaultLimitsKey(prefix: string): string {
  return `${prefix}:limits:default`;
}

/** Counter fields of cycle and day hashes, in the order of the record script's values. */
export const COUNTER_FIELDS = ['rq', 'er', 'in', 'out', 'cr', 'cw', 'rs', 'c'] as const;
export type CounterField = (typeof COUNTER_FIELDS)[number];

/** Prefix of breakdown fields per dimension: `m:<model>:<counter>`, `p:<provider>:<counter>`, `a:<agent>:<counter>`. */
export const DIMENSION_PREFIX = { model: 'm', provider: 'p', agent: 'a' } as const;

export const CONFIG_FIELDS = { cycleStart: 'cycle_start', limitTokens: 'lim_tokens', limitCost: 'lim_cost' } as const;

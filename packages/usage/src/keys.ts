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

/**
 * String: the totals of the billing cycle starting on `cycleStart` (YYYYMMDD), {@link COUNTER_FIELDS} packed as
 * little-endian doubles (exact integers); never expires.
 */
export function userCycleKey(prefix: string, user: string, cycleStart: string): string {
  return `${userBaseKey(prefix, user)}:c:${cycleStart}`;
}

/**
 * Hash of one UTC day (YYYYMMDD): a field per combo of provider, model and agent ({@link comboField}) holding its
 * {@link COUNTER_FIELDS} packed as little-endian doubles; field `_` marks that the expiry (daily retention) is set.
 */
export function userDayKey(prefix: string, user: string, day: string): string {
  return `${userBaseKey(prefix, user)}:d:${day}`;
}

/** Hash of open budget reservations: id -> "<expires at ms> <tokens> <cost micros>". */
export function userReservationsKey(prefix: string, user: string): string {
  return `${userBaseKey(prefix, user)}:resv`;
}

/**
 * Set of the dedupe members ({@link dedupeMember}) of the records first applied on one day (YYYYMMDD, Redis' clock),
 * plus the member `''`; expires when no writer checks that day any more.
 */
export function userDedupeKey(prefix: string, user: string, day: string): string {
  return `${userBaseKey(prefix, user)}:dd:${day}`;
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

/**
 * The counters of packed cycle totals and day values, in this order: requests, errors, input, output, cache read,
 * cache write and reasoning tokens, cost in micro-dollars, requests of unknown cost.
 */
export const COUNTER_FIELDS = ['rq', 'er', 'in', 'out', 'cr', 'cw', 'rs', 'c', 'uk'] as const;
export type CounterField = (typeof COUNTER_FIELDS)[number];

/** Bytes of a packed day value: one little-endian double per counter. */
export const PACKED_COUNTERS_SIZE = COUNTER_FIELDS.length * 8;

/** The day-hash field that marks a hash whose expiry is set; never a combo (combos have two `|`). */
export const DAY_MARKER_FIELD = '_';

const escapePart = (s: string): string => (/[%|]/.test(s) ? s.replace(/%/g, '%25').replace(/\|/g, '%7C') : s);
const unescapePart = (s: string): string => (s.includes('%') ? s.replace(/%7C/g, '|').replace(/%25/g, '%') : s);

/** Day-hash field of a combo: `<provider>|<model>|<agent>` (agent '' for none; `%` and `|` in names escaped). */
export function comboField(provider: string, model: string, agent: string): string {
  return `${escapePart(provider)}|${escapePart(model)}|${escapePart(agent)}`;
}

/** The parts of a {@link comboField}, or `undefined` for any other field. */
export function parseComboField(field: string): { provider: string; model: string; agent: string } | undefined {
  const parts = field.split('|');
  if (parts.length !== 3) return undefined;
  return { provider: unescapePart(parts[0]!), model: unescapePart(parts[1]!), agent: unescapePart(parts[2]!) };
}

export const CONFIG_FIELDS = { cycleStart: 'cycle_start', limitTokens: 'lim_tokens', limitCost: 'lim_cost' } as const;

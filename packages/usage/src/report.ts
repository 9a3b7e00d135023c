// Turning counter hashes into report totals and groups. Counters are integers (cost in micro-dollars) until the
// very end, so sums are exact; cost becomes USD only when the report is built.
import { COUNTER_FIELDS, DIMENSION_PREFIX, type CounterField } from './keys.js';
import { type UsageGroup, type UsageGroupBy, type UsageTotals } from './types.js';
import { emptyTotals, microsToUsd } from './utils.js';

/** Integer counters, keyed like the hash fields. */
export type Counters = Record<CounterField, number>;

const TOTAL_NAME: Record<CounterField, keyof UsageTotals> = {
  rq: 'requests',
  er: 'errors',
  in: 'input_tokens',
  out: 'output_tokens',
  cr: 'cache_read_tokens',
  cw: 'cache_write_tokens',
  rs: 'reasoning_tokens',
  c: 'cost_usd',
};

const COUNTER_SET: ReadonlySet<string> = new Set(COUNTER_FIELDS);

export function emptyCounters(): Counters {
  return { rq: 0, er: 0, in: 0, out: 0, cr: 0, cw: 0, rs: 0, c: 0 };
}

export function addCounters(into: Counters, from: Counters): void {
  for (const f of COUNTER_FIELDS) into[f] += from[f];
}

export function countersToTotals(c: Counters): UsageTotals {
  const t = emptyTotals();
  for (const f of COUNTER_FIELDS) t[TOTAL_NAME[f]] = f === 'c' ? microsToUsd(c[f]) : c[f];
  return t;
}

/** Counters from an HMGET of {@link COUNTER_FIELDS}. */
export function countersFromValues(values: readonly (string | null)[]): Counters {
  const c = emptyCounters();
  COUNTER_FIELDS.forEach((f, i) => {
    c[f] = Number(values[i] ?? 0) || 0;
  });
  return c;
}

/**
 * Splits a counter hash (HGETALL) into its totals and, for a dimension, its per-name counters
 * (`<m|p|a>:<name>:<counter>`; the name may itself contain `:`).
 */
export function parseCounterHash(
  hash: Record<string, string>,
  dimension?: 'model' | 'provider' | 'agent',
): { totals: Counters; groups: Map<string, Counters> } {
  const totals = emptyCounters();
  const groups = new Map<string, Counters>();
  const prefix = dimension ? `${DIMENSION_PREFIX[dimension]}:` : undefined;
  for (const [field, raw] of Object.entries(hash)) {
    const value = Number(raw) || 0;
    if (COUNTER_SET.has(field)) {
      totals[field as CounterField] += value;
      continue;
    }
    if (prefix === undefined || !field.startsWith(prefix)) continue;
    const cut = field.lastIndexOf(':');
    const counter = field.slice(cut + 1);
    if (cut <= prefix.length - 1 || !COUNTER_SET.has(counter)) continue;
    const name = field.slice(prefix.length, cut);
    let g = groups.get(name);
    if (!g) {
      g = emptyCounters();
      groups.set(name, g);
    }
    g[counter as CounterField] += value;
  }
  return { totals, groups };
}

export function mergeGroups(into: Map<string, Counters>, from: Map<string, Counters>): void {
  for (const [key, c] of from) {
    const g = into.get(key);
    if (g) addCounters(g, c);
    else into.set(key, { ...c });
  }
}

export function groupsToReport(groups: Map<string, Counters>): UsageGroup[] {
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, c]) => ({ key, ...countersToTotals(c) }));
}

export function isTimeGrouping(groupBy: UsageGroupBy | undefined): groupBy is 'day' | 'week' | 'month' {
  return groupBy === 'day' || groupBy === 'week' || groupBy === 'month';
}

export function isEmpty(c: Counters): boolean {
  return COUNTER_FIELDS.every((f) => c[f] === 0);
}

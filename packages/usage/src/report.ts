// Turning counter hashes into report totals and groups. Counters are integers (cost in micro-dollars) until the
// very end, so sums are exact; cost becomes USD only when the report is built.
import { COUNTER_FIELDS, DAY_MARKER_FIELD, PACKED_COUNTERS_SIZE, parseComboField, type CounterField } from './keys.js';
import { dayIdToIsoDate, isoWeekOf } from './cycle.js';
import { type UsageGroup, type UsageGroupBy, type UsageReport, type UsageTotals } from './types.js';
import { emptyTotals, microsToUsd } from './utils.js';

/** Integer counters, named as in {@link COUNTER_FIELDS}. */
export type Counters = Record<CounterField, number>;

export type Dimension = 'model' | 'provider' | 'agent';

const TOTAL_NAME: Record<CounterField, keyof UsageTotals> = {
  rq: 'requests',
  er: 'errors',
  in: 'input_tokens',
  out: 'output_tokens',
  cr: 'cache_read_tokens',
  cw: 'cache_write_tokens',
  rs: 'reasoning_tokens',
  c: 'cost_usd',
  uk: 'cost_unknown_requests',
};

export function emptyCounters(): Counters {
  return { rq: 0, er: 0, in: 0, out: 0, cr: 0, cw: 0, rs: 0, c: 0, uk: 0 };
}

export function addCounters(into: Counters, from: Counters): void {
  for (const f of COUNTER_FIELDS) into[f] += from[f];
}

export function countersToTotals(c: Counters): UsageTotals {
  const t = emptyTotals();
  for (const f of COUNTER_FIELDS) t[TOTAL_NAME[f]] = f === 'c' ? microsToUsd(c[f]) : c[f];
  return t;
}

/** Counters packed as little-endian doubles (a cycle total or a day-hash field); none (`null`) = all 0. */
export function countersFromPacked(value: Buffer | null): Counters {
  const c = emptyCounters();
  if (value?.length !== PACKED_COUNTERS_SIZE) return c;
  COUNTER_FIELDS.forEach((f, i) => {
    c[f] = value.readDoubleLE(i * 8);
  });
  return c;
}

/**
 * Sums a day hash (HGETALL with Buffer values): its totals and, for a dimension, the counters per model, provider
 * or agent (records without an agent are in no agent group). Fields other than combos are skipped.
 */
export function parseDayHash(
  hash: Record<string, Buffer>,
  dimension?: Dimension,
): { totals: Counters; groups: Map<string, Counters> } {
  const totals = emptyCounters();
  const groups = new Map<string, Counters>();
  for (const [field, value] of Object.entries(hash)) {
    if (field === DAY_MARKER_FIELD || value.length !== PACKED_COUNTERS_SIZE) continue;
    const combo = parseComboField(field);
    if (!combo) continue;
    const c = countersFromPacked(value);
    addCounters(totals, c);
    if (!dimension) continue;
    const name = dimension === 'model' ? combo.model : dimension === 'provider' ? combo.provider : combo.agent;
    if (name === '') continue;
    const g = groups.get(name);
    if (g) addCounters(g, c);
    else groups.set(name, c);
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

/** The group key of a day (`YYYYMMDD`) when grouping by time. */
export function timeKey(day: string, groupBy: 'day' | 'week' | 'month'): string {
  if (groupBy === 'day') return dayIdToIsoDate(day);
  if (groupBy === 'week') return isoWeekOf(day);
  return `${day.slice(0, 4)}-${day.slice(4, 6)}`;
}

export function report(
  user: string,
  from: number,
  to: number,
  totals: Counters,
  groups: Map<string, Counters>,
): UsageReport {
  return {
    user,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    totals: countersToTotals(totals),
    groups: groupsToReport(groups),
  };
}

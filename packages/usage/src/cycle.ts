// UTC day and billing-cycle arithmetic, mirroring lua/lib-dates.lua so the client and the scripts agree.
import { type BillingCycle } from './types.js';

const DAY_MS = 86_400_000;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `YYYYMMDD` of the UTC day containing `ms`. */
export function dayId(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`;
}

/** Midnight UTC of a `YYYYMMDD` day, in ms. */
export function dayIdToMs(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)));
}

/** `YYYY-MM-DD` of a `YYYYMMDD` day. */
export function dayIdToIsoDate(day: string): string {
  return `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
}

/** Midnight UTC at or before `ms`. */
export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Midnight UTC at or after `ms`. */
export function endOfDay(ms: number): number {
  return Math.ceil(ms / DAY_MS) * DAY_MS;
}

/** The `YYYYMMDD` days in `[fromMs, toMs)`, both already whole days. */
export function daysBetween(fromMs: number, toMs: number): string[] {
  const days: string[] = [];
  for (let t = fromMs; t < toMs; t += DAY_MS) days.push(dayId(t));
  return days;
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** The billing cycle containing `ms` for cycles starting on day `anchor` of each month (clamped to short months). */
export function cycleAt(ms: number, anchor: number): BillingCycle {
  const d = new Date(ms);
  let year = d.getUTCFullYear();
  let month0 = d.getUTCMonth();
  let startDay = Math.min(anchor, daysInMonth(year, month0));
  if (d.getUTCDate() < startDay) {
    month0 -= 1;
    if (month0 < 0) {
      month0 = 11;
      year -= 1;
    }
    startDay = Math.min(anchor, daysInMonth(year, month0));
  }
  const start = Date.UTC(year, month0, startDay);
  const nextMonth0 = (month0 + 1) % 12;
  const nextYear = month0 === 11 ? year + 1 : year;
  const end = Date.UTC(nextYear, nextMonth0, Math.min(anchor, daysInMonth(nextYear, nextMonth0)));
  return { start: new Date(start), end: new Date(end) };
}

/** The cycle anchor day of a stored `YYYY-MM-DD` cycle start date, else `fallback`. */
export function anchorOf(cycleStartDate: string | null | undefined, fallback: number): number {
  const day = cycleStartDate ? Number(cycleStartDate.slice(8, 10)) : NaN;
  return Number.isInteger(day) && day >= 1 && day <= 31 ? day : fallback;
}

/** `YYYY-MM-DD` (UTC) of a cycle start given as a Date or a `YYYY-MM-DD` string; throws on anything else. */
export function toCycleStartDate(value: Date | string): string {
  if (typeof value === 'string') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
      throw new TypeError(`cycle start date must be YYYY-MM-DD, got ${JSON.stringify(value)}`);
    }
    return value;
  }
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new TypeError('cycle start date is not a valid Date');
  return value.toISOString().slice(0, 10);
}

/** ISO 8601 week label `YYYY-Www` of a `YYYYMMDD` day. */
export function isoWeekOf(day: string): string {
  const t = new Date(dayIdToMs(day));
  const weekday = (t.getUTCDay() + 6) % 7; // Monday = 0
  // The ISO week-year is the year of the week's Thursday.
  const thursday = new Date(t.getTime() + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${pad(week, 2)}`;
}

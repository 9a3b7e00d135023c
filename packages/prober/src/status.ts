import { type HistoryPoint, type HistoryStore } from './history.js';
import {
  PROBE_STATUS,
  type MonitorStatus,
  type StatusPeriod,
  type StatusResponse,
  type TimelinePoint,
} from './types.js';
import { median } from './utils.js';

/** Each period's bucket size and count: about 90 cells per bar whatever the period. */
export const PERIODS: Record<StatusPeriod, { bucketMs: number; buckets: number }> = {
  '24h': { bucketMs: 15 * 60_000, buckets: 96 },
  '7d': { bucketMs: 2 * 3_600_000, buckets: 84 },
  '30d': { bucketMs: 8 * 3_600_000, buckets: 90 },
};

export function isStatusPeriod(value: string): value is StatusPeriod {
  return Object.hasOwn(PERIODS, value);
}

/** The bucket grid of a period ending now: starts aligned to the bucket size (UTC), the last bucket holds `now`. */
export function periodRange(period: StatusPeriod, now: number): { from: number; bucketMs: number; buckets: number } {
  const { bucketMs, buckets } = PERIODS[period];
  const lastStart = Math.floor(now / bucketMs) * bucketMs;
  return { from: lastStart - (buckets - 1) * bucketMs, bucketMs, buckets };
}

// Worst first: red hides nothing, then yellow, then green.
const SEVERITY: Record<number, number> = { [PROBE_STATUS.RED]: 3, [PROBE_STATUS.YELLOW]: 2, [PROBE_STATUS.GREEN]: 1 };

/**
 * Buckets a monitor's points (oldest first or not) over a period. A bucket's status is the worst status in it, so a
 * short outage stays visible; its latency is the median of its answered (green or yellow) probes.
 */
export function bucketTimeline(
  points: readonly HistoryPoint[],
  period: StatusPeriod,
  now: number,
): { timeline: TimelinePoint[]; uptime: number | null; medianLatency: number | null } {
  const { from, bucketMs, buckets } = periodRange(period, now);
  const cells = Array.from(
    { length: buckets },
    (): { worst: number; count: number; up: number; latencies: number[] } => ({
      worst: -1,
      count: 0,
      up: 0,
      latencies: [],
    }),
  );
  const answered: number[] = [];
  let total = 0;
  let up = 0;
  for (const p of points) {
    if (p.timestamp < from || p.timestamp > now) continue;
    const cell = cells[Math.floor((p.timestamp - from) / bucketMs)];
    if (cell === undefined) continue;
    cell.count++;
    total++;
    if ((SEVERITY[p.status] ?? 0) > (SEVERITY[cell.worst] ?? 0)) cell.worst = p.status;
    if (p.status !== PROBE_STATUS.RED) {
      cell.up++;
      up++;
      cell.latencies.push(p.latencyMs);
      answered.push(p.latencyMs);
    }
  }
  const round = (v: number | null) => (v === null ? null : Math.round(v));
  const timeline = cells.map((c, i): TimelinePoint => ({
    time: new Date(from + i * bucketMs).toISOString(),
    status: c.count === 0 ? -1 : (c.worst as TimelinePoint['status']),
    latency: round(median(c.latencies)),
    count: c.count,
    availability: c.count === 0 ? null : c.up / c.count,
  }));
  return {
    timeline,
    uptime: total === 0 ? null : Math.round((up / total) * 10_000) / 100,
    medianLatency: round(median(answered)),
  };
}

/** Builds the `GET /api/status` answer for the given monitors. */
export async function buildStatus(
  history: HistoryStore,
  monitors: readonly { provider: string; service: string }[],
  period: StatusPeriod,
  now: number,
): Promise<StatusResponse> {
  const { from, bucketMs } = periodRange(period, now);
  const rows = await history.query(monitors, from, now);
  const data = monitors.map((m, i): MonitorStatus => {
    const row = rows[i]!;
    const { timeline, uptime, medianLatency } = bucketTimeline(row.points, period, now);
    return {
      provider: m.provider,
      service: m.service,
      current_status:
        row.latest === undefined
          ? null
          : {
              status: row.latest.status,
              latency: row.latest.latencyMs,
              timestamp: new Date(row.latest.timestamp).toISOString(),
            },
      timeline,
      uptime,
      median_latency: medianLatency,
    };
  });
  return { meta: { period, count: data.length, bucket_seconds: bucketMs / 1000 }, data };
}

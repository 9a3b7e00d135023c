import { type Redis } from 'ioredis';
import { historyKey } from './keys.js';
import { type ProbeResult, type ProbeStatus } from './types.js';

/** How long probe results are kept: 30 days. */
export const HISTORY_RETENTION_MS = 30 * 86_400_000;

/** One stored probe result. */
export interface HistoryPoint {
  /** Probe start, ms since the epoch. */
  timestamp: number;
  status: ProbeStatus;
  latencyMs: number;
}

export interface HistoryStoreOptions {
  /** Default 30 days. */
  retentionMs?: number;
  /** Default Date.now. */
  now?: () => number;
}

// Member `<timestamp>:<status>:<latency>`: unique per probe (a monitor never has two probes in flight), compact,
// and readable with redis-cli.
function encode(r: { timestamp: number; status: ProbeStatus; latencyMs: number }): string {
  return `${r.timestamp}:${r.status}:${Math.max(0, Math.round(r.latencyMs))}`;
}

function decode(member: string): HistoryPoint | undefined {
  const [t, s, l] = member.split(':');
  const timestamp = Number(t);
  const status = Number(s);
  const latencyMs = Number(l);
  if (!Number.isFinite(timestamp) || !Number.isFinite(latencyMs) || (status !== 0 && status !== 1 && status !== 2)) {
    return undefined;
  }
  return { timestamp, status, latencyMs };
}

/**
 * Probe history in Redis: one sorted set per monitor, score = probe time. Each write trims points older than the
 * retention and pushes the key's expiry out by the retention, so a monitor removed from the config disappears too.
 */
export class HistoryStore {
  readonly redis: Redis;
  readonly retentionMs: number;
  private readonly now: () => number;

  constructor(redis: Redis, opts: HistoryStoreOptions = {}) {
    this.redis = redis;
    this.retentionMs = opts.retentionMs ?? HISTORY_RETENTION_MS;
    this.now = opts.now ?? Date.now;
  }

  async record(result: ProbeResult): Promise<void> {
    const key = historyKey(result.provider, result.service);
    const cutoff = this.now() - this.retentionMs;
    // MULTI on one key (one hash slot): the add and the trim are applied together.
    const replies = await this.redis
      .multi()
      .zadd(key, result.timestamp, encode(result))
      .zremrangebyscore(key, '-inf', `(${cutoff}`)
      .pexpire(key, this.retentionMs)
      .exec();
    const failed = replies?.find(([err]) => err !== null);
    if (failed) throw failed[0]!;
  }

  /** Writes many points at once (seeding, imports); same trimming as {@link record}. */
  async recordMany(
    provider: string,
    service: string,
    points: readonly { timestamp: number; status: ProbeStatus; latencyMs: number }[],
  ): Promise<void> {
    if (points.length === 0) return;
    const key = historyKey(provider, service);
    const args: (string | number)[] = [];
    for (const p of points) args.push(p.timestamp, encode(p));
    await this.redis
      .multi()
      .zadd(key, ...args)
      .zremrangebyscore(key, '-inf', `(${this.now() - this.retentionMs}`)
      .pexpire(key, this.retentionMs)
      .exec();
  }

  /**
   * Points of several monitors between `from` and `to` (inclusive, ms), oldest first, plus each monitor's latest
   * point within the retention. One round trip.
   */
  async query(
    monitors: readonly { provider: string; service: string }[],
    from: number,
    to: number,
  ): Promise<{ points: HistoryPoint[]; latest: HistoryPoint | undefined }[]> {
    if (monitors.length === 0) return [];
    const pipeline = this.redis.pipeline();
    const oldest = this.now() - this.retentionMs;
    for (const m of monitors) {
      const key = historyKey(m.provider, m.service);
      pipeline.zrangebyscore(key, from, to);
      pipeline.zrevrangebyscore(key, '+inf', oldest, 'LIMIT', 0, 1);
    }
    const replies = (await pipeline.exec()) ?? [];
    return monitors.map((_m, i) => {
      const [rangeErr, range] = replies[2 * i] ?? [null, []];
      const [latestErr, latest] = replies[2 * i + 1] ?? [null, []];
      if (rangeErr) throw rangeErr;
      if (latestErr) throw latestErr;
      const points: HistoryPoint[] = [];
      for (const member of range as string[]) {
        const p = decode(member);
        if (p !== undefined) points.push(p);
      }
      const last = (latest as string[])[0];
      return { points, latest: last === undefined ? undefined : decode(last) };
    });
  }
}

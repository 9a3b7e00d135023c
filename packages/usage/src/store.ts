import calculateSlot from 'cluster-key-slot';
import { type Cluster, type Redis } from 'ioredis';
import { encodeBatch, MAX_RECORD_ID_BYTES, modelOf, providerOf } from './batch.js';
import { resolveStoreOptions, type ResolvedStoreOptions } from './config.js';
import { anchorOf, cycleAt, dayId, daysBetween, endOfDay, startOfDay, toCycleStartDate } from './cycle.js';
import { type RecordEntry } from './internal-types.js';
import {
  CONFIG_FIELDS,
  defaultLimitsKey,
  indexKey,
  tenantLimitsKey,
  userBaseKey,
  userConfigKey,
  userCycleKey,
  userDayKey,
  type IndexName,
} from './keys.js';
import { LIMIT_FIELDS, readLimits, toBudgetLimits, validateLimits, writeLimits, type RawLimits } from './limits.js';
import { defineUsageCommands, RECORD_BATCH_COMMAND } from './lua.js';
import { mapConcurrent, requireUser } from './utils.js';
import { WriteQueue } from './write-queue.js';
import {
  addCounters,
  countersFromPacked,
  countersToTotals,
  emptyCounters,
  isEmpty,
  isTimeGrouping,
  mergeGroups,
  parseDayHash,
  report,
  timeKey,
  type Counters,
} from './report.js';
import {
  type BillingCycle,
  type BudgetLimits,
  type RecordBatchResult,
  type UsageQuery,
  type UsageRecord,
  type UsageReport,
  type UserUsageSummary,
  type UsageStoreOptions,
} from './types.js';

/** Internal: applies records with the reservations to release alongside; used by BudgetGuard. */
export const APPLY_ENTRIES = Symbol.for('llmtel.usage.applyEntries');

/** Most days one report may span (about ten years), so a typo in a date cannot start an unbounded read. */
const MAX_REPORT_DAYS = 3660;
/** Commands in flight at once when reading many users. */
const READ_CONCURRENCY = 1000;
/** Index members are re-added at most this often by one store (the sets only grow; re-adding repairs a lost set). */
const INDEX_REFRESH_MS = 60_000;
const INDEX_MEMO_LIMIT = 100_000;

type RecordBatchFn = (key: string, ...argv: (string | number | Buffer)[]) => Promise<number[]>;

/**
 * Per-user LLM usage in Redis: exactly-once totals per billing cycle, and counters per UTC day broken down by
 * provider, model and agent, plus index sets and budget limits. Works on a single Redis and on a Redis Cluster (all
 * keys of a user share one hash slot). The store does not own the client: close it yourself.
 *
 * Keys (prefix `llmtel`): `llmtel:{u:<user>}:c:<YYYYMMDD>` cycle totals, `…:d:<YYYYMMDD>` day counters per
 * provider/model/agent, `…:cfg` cycle start and limits, `…:dd:<YYYYMMDD>` dedupe sets, `…:resv` budget
 * reservations, `llmtel:idx:{users,models,providers,agents}` index sets, `llmtel:limits:{default,tenant:<id>}`.
 */
export class UsageStore {
  /** The client the store writes through. */
  readonly redis: Redis | Cluster;
  /** The options after defaults and environment variables were applied. */
  readonly options: Readonly<ResolvedStoreOptions>;
  /** Index members added recently: `<index>\0<member>` -> when. */
  private readonly indexed = new Map<string, number>();
  private readonly writes: WriteQueue;

  constructor(redis: Redis | Cluster, options: UsageStoreOptions = {}) {
    this.redis = redis;
    this.options = Object.freeze(resolveStoreOptions(options));
    defineUsageCommands(redis);
    this.writes = new WriteQueue((entries) => this.runRecordScript(entries), this.options.maxBatchSize);
  }

  private get prefix(): string {
    return this.options.keyPrefix;
  }

  private get isCluster(): boolean {
    return (this.redis as { isCluster?: boolean }).isCluster === true;
  }

  /** The user a record is counted under. */
  userOf(record: Pick<UsageRecord, 'userId'>): string {
    return record.userId || this.options.anonymousUser;
  }

  /**
   * Counts each record exactly once: a record whose id any writer (this process, another process, the usage
   * exporter) already applied within the dedupe TTL is skipped. Records are grouped by hash slot and sent as one
   * script call per slot and chunk of `maxBatchSize` (slots in parallel); while a call for a slot is in flight, the
   * records of further calls for it wait and go out together in the next one. Rejects when Redis fails; retrying
   * the same records is then safe, since whatever was applied is skipped the second time.
   *
   * @throws TypeError for a record without an id or with an invalid timestamp.
   */
  async recordBatch(records: readonly UsageRecord[]): Promise<RecordBatchResult> {
    return this[APPLY_ENTRIES](records.map((record) => ({ record })));
  }

  /** @internal */
  async [APPLY_ENTRIES](entries: readonly RecordEntry[]): Promise<RecordBatchResult> {
    if (entries.length === 0) return { applied: 0, duplicates: 0 };
    const groups = new Map<number, RecordEntry[]>();
    const users = new Set<string>();
    const models = new Set<string>();
    const providers = new Set<string>();
    const agents = new Set<string>();
    for (const entry of entries) {
      const r = entry.record;
      if (typeof r?.id !== 'string' || r.id === '') throw new TypeError('usage record without an id');
      if (r.id.length > MAX_RECORD_ID_BYTES / 3 && Buffer.byteLength(r.id) > MAX_RECORD_ID_BYTES) {
        throw new TypeError(`usage record id longer than ${MAX_RECORD_ID_BYTES} bytes: ${r.id.slice(0, 40)}…`);
      }
      if (!Number.isFinite(r.timestamp)) throw new TypeError(`usage record ${r.id}: invalid timestamp`);
      const user = this.userOf(r);
      users.add(user);
      models.add(modelOf(r));
      providers.add(providerOf(r));
      if (r.agentName) agents.add(r.agentName);
      const slot = this.isCluster ? calculateSlot(userBaseKey(this.prefix, user)) : 0;
      let group = groups.get(slot);
      if (!group) groups.set(slot, (group = []));
      group.push(entry);
    }

    const calls: Promise<unknown>[] = [
      this.addToIndex('users', users),
      this.addToIndex('models', models),
      this.addToIndex('providers', providers),
      this.addToIndex('agents', agents),
    ];
    const results: Promise<[number, number]>[] = [];
    for (const [slot, group] of groups) results.push(this.writes.submit(slot, group));
    const [counts] = await Promise.all([Promise.all(results), Promise.all(calls)]);
    let applied = 0;
    let duplicates = 0;
    for (const [a, d] of counts) {
      applied += Number(a);
      duplicates += Number(d);
    }
    return { applied, duplicates };
  }

  private async addToIndex(name: IndexName, members: Set<string>): Promise<void> {
    const now = Date.now();
    const fresh: string[] = [];
    for (const m of members) {
      const memo = `${name}\0${m}`;
      const at = this.indexed.get(memo);
      if (at !== undefined && now - at < INDEX_REFRESH_MS) continue;
      fresh.push(m);
    }
    if (fresh.length === 0) return;
    await this.redis.sadd(indexKey(this.prefix, name), ...fresh);
    if (this.indexed.size + fresh.length > INDEX_MEMO_LIMIT) this.indexed.clear();
    for (const m of fresh) this.indexed.set(`${name}\0${m}`, now);
  }

  /**
   * One script call for records of one slot; resolves with the indices of the duplicates. The script applies all of
   * them or, when some were applied before, nothing: it names those, and the records go again without them (each
   * round drops at least one record, so this ends; usually there is no second round).
   */
  private async runRecordScript(entries: readonly RecordEntry[]): Promise<ReadonlySet<number>> {
    const o = this.options;
    const settings = {
      prefix: this.prefix,
      dedupeTtlSeconds: o.dedupeTtlSeconds,
      retentionSeconds: o.dailyRetentionDays * 86_400,
      cycleStartDay: o.cycleStartDay,
      userOf: (r: UsageRecord) => this.userOf(r),
    };
    const key = userBaseKey(this.prefix, this.userOf(entries[0]!.record));
    const fn = (this.redis as unknown as Record<string, RecordBatchFn>)[RECORD_BATCH_COMMAND]!;
    const dropped = new Set<number>();
    for (let round = 0; round <= entries.length; round++) {
      const { argv, order, repeated, work } = encodeBatch(entries, settings, dropped);
      const reply = work ? await fn.call(this.redis, key, ...argv) : [0];
      if (Number(reply[0]) >= 0) {
        for (const e of repeated) dropped.add(e);
        return dropped;
      }
      for (let i = 1; i < reply.length; i++) dropped.add(order[Number(reply[i]) - 1]!);
    }
    throw new Error('llmtel usage: record script kept reporting duplicates');
  }

  /**
   * A user's usage over a period; without `from`/`to` the user's current billing cycle. The totals of a whole billing
   * cycle without `groupBy` are read from the cycle counters (never expired); everything else is summed from the UTC
   * day buckets, the period widened to whole days. A missing `from` or `to` is taken from the billing cycle
   * containing the other one.
   *
   * @throws RangeError when `from` is not before `to` or the period spans more than ~10 years.
   */
  async getUsage(query: UsageQuery): Promise<UsageReport> {
    const user = requireUser(query.userId);
    const anchor = await this.anchorOf(user);
    const at = query.from?.getTime() ?? (query.to ? query.to.getTime() - 1 : Date.now());
    if (!Number.isFinite(at)) throw new RangeError('getUsage: invalid from/to date');
    const cycle = cycleAt(at, anchor);
    const from = query.from?.getTime() ?? cycle.start.getTime();
    const to = query.to?.getTime() ?? cycle.end.getTime();
    if (!(from < to)) throw new RangeError('getUsage: from must be before to');
    const groupBy = query.groupBy;

    if (from === cycle.start.getTime() && to === cycle.end.getTime() && groupBy === undefined) {
      const packed = await this.redis.getBuffer(userCycleKey(this.prefix, user, dayId(from)));
      return report(user, from, to, countersFromPacked(packed), new Map());
    }

    const fromDay = startOfDay(from);
    const toDay = endOfDay(to);
    const days = daysBetween(fromDay, toDay);
    if (days.length > MAX_REPORT_DAYS) throw new RangeError(`getUsage: period longer than ${MAX_REPORT_DAYS} days`);
    // All of a user's keys share a slot, so one pipeline works on a cluster too.
    const pipeline = this.redis.pipeline();
    for (const day of days) pipeline.hgetallBuffer(userDayKey(this.prefix, user, day));
    const replies = (await pipeline.exec()) ?? [];
    const totals = emptyCounters();
    const groups = new Map<string, Counters>();
    replies.forEach(([err, hash], i) => {
      if (err) throw err;
      const day = days[i]!;
      const parsed = parseDayHash(hash as Record<string, Buffer>, isTimeGrouping(groupBy) ? undefined : groupBy);
      addCounters(totals, parsed.totals);
      if (isTimeGrouping(groupBy)) {
        if (!isEmpty(parsed.totals)) mergeGroups(groups, new Map([[timeKey(day, groupBy), parsed.totals]]));
      } else if (groupBy) {
        mergeGroups(groups, parsed.groups);
      }
    });
    return report(user, fromDay, toDay, totals, groups);
  }

  /**
   * The `n` users with the highest cost or tokens (input + output) in their current billing cycle, highest first.
   * Reads every indexed user's cycle counters: cost grows with the number of users.
   */
  async topUsers(n: number, by: 'cost' | 'tokens' = 'cost', at: Date = new Date()): Promise<UserUsageSummary[]> {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`topUsers: n must be a non-negative integer, got ${n}`);
    if (by !== 'cost' && by !== 'tokens') throw new TypeError(`topUsers: by must be 'cost' or 'tokens'`);
    const users = await this.listUsers();
    const starts = await mapConcurrent(READ_CONCURRENCY, users, (u) =>
      this.redis.hget(userConfigKey(this.prefix, u), CONFIG_FIELDS.cycleStart),
    );
    const cycles = users.map((_, i) => cycleAt(at.getTime(), anchorOf(starts[i], this.options.cycleStartDay)));
    const values = await mapConcurrent(READ_CONCURRENCY, users, (u, i) =>
      this.redis.getBuffer(userCycleKey(this.prefix, u, dayId(cycles[i]!.start.getTime()))),
    );
    const rows = users.map((user, i) => {
      const c = countersFromPacked(values[i]!);
      return { user, cycle: cycles[i]!, c, score: by === 'cost' ? c.c : c.in + c.out };
    });
    rows.sort((a, b) => b.score - a.score || (a.user < b.user ? -1 : 1));
    return rows.slice(0, n).map(({ user, cycle, c }) => ({
      user,
      from: cycle.start.toISOString(),
      to: cycle.end.toISOString(),
      totals: countersToTotals(c),
      total_tokens: c.in + c.out,
    }));
  }

  /** Every user ever recorded, sorted. */
  async listUsers(): Promise<string[]> {
    return this.listIndex('users');
  }

  /** Every model (response model, else request model) ever recorded, sorted. */
  async listModels(): Promise<string[]> {
    return this.listIndex('models');
  }

  /** Every provider ever recorded, sorted. */
  async listProviders(): Promise<string[]> {
    return this.listIndex('providers');
  }

  /** Every agent name ever recorded, sorted. */
  async listAgents(): Promise<string[]> {
    return this.listIndex('agents');
  }

  async countUsers(): Promise<number> {
    return this.redis.scard(indexKey(this.prefix, 'users'));
  }

  private async listIndex(name: IndexName): Promise<string[]> {
    const members = await this.redis.smembers(indexKey(this.prefix, name));
    return members.sort();
  }

  /**
   * Sets the date a user's billing cycles start from: from then on their cycles start on that day of each month
   * (clamped to short months) instead of the store's `cycleStartDay`. Takes effect for records applied afterwards;
   * cycles counted before keep their old boundaries (query them with explicit `from`/`to`, from the day buckets).
   *
   * @param date a Date (its UTC day) or `YYYY-MM-DD`.
   */
  async setUserCycleStart(userId: string, date: Date | string): Promise<void> {
    const value = toCycleStartDate(date);
    await this.redis.hset(userConfigKey(this.prefix, requireUser(userId)), CONFIG_FIELDS.cycleStart, value);
  }

  /** The user's own cycle start date (`YYYY-MM-DD`), or `undefined` when they use the default. */
  async getUserCycleStart(userId: string): Promise<string | undefined> {
    const v = await this.redis.hget(userConfigKey(this.prefix, requireUser(userId)), CONFIG_FIELDS.cycleStart);
    return v ?? undefined;
  }

  /** The user's billing cycle containing `at` (default now). */
  async getUserCycle(userId: string, at: Date = new Date()): Promise<BillingCycle> {
    return cycleAt(at.getTime(), await this.anchorOf(requireUser(userId)));
  }

  private async anchorOf(user: string): Promise<number> {
    const start = await this.redis.hget(userConfigKey(this.prefix, user), CONFIG_FIELDS.cycleStart);
    return anchorOf(start, this.options.cycleStartDay);
  }

  /** The user's own limits, or `undefined` when none are set (tenant or default limits then apply). */
  async getLimits(userId: string): Promise<BudgetLimits | undefined> {
    return toBudgetLimits(await this.readLimits(userConfigKey(this.prefix, requireUser(userId))));
  }

  /** Replaces the user's own limits; a quantity left out has no user limit (the tenant's or default applies). */
  async setLimits(userId: string, limits: BudgetLimits): Promise<void> {
    await this.writeLimits(userConfigKey(this.prefix, requireUser(userId)), validateLimits(limits));
  }

  async deleteLimits(userId: string): Promise<void> {
    await this.redis.hdel(userConfigKey(this.prefix, requireUser(userId)), ...LIMIT_FIELDS);
  }

  /** Limits for users of a tenant that have none of their own. */
  async getTenantLimits(tenantId: string): Promise<BudgetLimits | undefined> {
    return toBudgetLimits(await this.readLimits(tenantLimitsKey(this.prefix, requireUser(tenantId))));
  }

  async setTenantLimits(tenantId: string, limits: BudgetLimits): Promise<void> {
    await this.writeLimits(tenantLimitsKey(this.prefix, requireUser(tenantId)), validateLimits(limits));
  }

  async deleteTenantLimits(tenantId: string): Promise<void> {
    await this.redis.del(tenantLimitsKey(this.prefix, requireUser(tenantId)));
  }

  /** Limits for users with neither their own nor their tenant's. */
  async getDefaultLimits(): Promise<BudgetLimits | undefined> {
    return toBudgetLimits(await this.readLimits(defaultLimitsKey(this.prefix)));
  }

  async setDefaultLimits(limits: BudgetLimits): Promise<void> {
    await this.writeLimits(defaultLimitsKey(this.prefix), validateLimits(limits));
  }

  async deleteDefaultLimits(): Promise<void> {
    await this.redis.del(defaultLimitsKey(this.prefix));
  }

  /**
   * The limits that apply to a user, each quantity resolved on its own: the user's own, else the tenant's, else the
   * default.
   */
  async getEffectiveLimits(userId: string, tenantId?: string): Promise<BudgetLimits | undefined> {
    const [own, fallback] = await Promise.all([
      this.readLimits(userConfigKey(this.prefix, requireUser(userId))),
      this.readFallbackLimits(tenantId),
    ]);
    return toBudgetLimits({ tokens: own.tokens ?? fallback.tokens, costMicros: own.costMicros ?? fallback.costMicros });
  }

  /** @internal Tenant limits per quantity, else default limits, in stored units. */
  async readFallbackLimits(tenantId?: string): Promise<RawLimits> {
    const [tenant, defaults] = await Promise.all([
      tenantId ? this.readLimits(tenantLimitsKey(this.prefix, tenantId)) : Promise.resolve<RawLimits>({}),
      this.readLimits(defaultLimitsKey(this.prefix)),
    ]);
    return { tokens: tenant.tokens ?? defaults.tokens, costMicros: tenant.costMicros ?? defaults.costMicros };
  }

  private readLimits(key: string): Promise<RawLimits> {
    return readLimits(this.redis, key);
  }

  private writeLimits(key: string, raw: RawLimits): Promise<void> {
    return writeLimits(this.redis, key, raw);
  }
}

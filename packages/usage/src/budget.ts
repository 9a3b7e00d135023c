import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { diag } from '@opentelemetry/api';
import { resolveGuardOptions, type ResolvedGuardOptions } from './config.js';
import { userBaseKey, userReservationsKey } from './keys.js';
import { type RawLimits } from './limits.js';
import { BUDGET_RESERVE_COMMAND } from './lua.js';
import { APPLY_ENTRIES, type UsageStore } from './store.js';
import {
  type BudgetCheck,
  type BudgetEstimate,
  type BudgetGuardOptions,
  type RecordBatchResult,
  type UsageRecord,
} from './types.js';
import { costUsdToMicros, microsToUsd, toTokenCount, withTimeout } from './utils.js';

const EXCEEDED_BRAND = Symbol.for('llmtel.usage.BudgetExceededError');
const UNAVAILABLE_BRAND = Symbol.for('llmtel.usage.BudgetUnavailableError');

function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * Thrown by {@link BudgetGuard.reserve} in `enforce` mode when the call would take a user over a limit, before any
 * request is sent. `instanceof` works across the package's ES module and CommonJS copies.
 */
export class BudgetExceededError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, EXCEEDED_BRAND);
  }

  override readonly name = 'BudgetExceededError';
  /** The user over budget. */
  readonly user: string;
  /** Which limit: `tokens` (input + output) or `cost` (USD). */
  readonly kind: 'tokens' | 'cost';
  /** The limit, in tokens or USD. */
  readonly limit: number;
  /** Used in the current billing cycle, in tokens or USD. */
  readonly used: number;
  /** Held by other calls in flight, in tokens or USD. */
  readonly reserved: number;
  /** What this call asked to reserve, in tokens or USD. */
  readonly requested: number;
  /** The whole budget state. */
  readonly check: BudgetCheck;

  constructor(check: BudgetCheck, requested: { tokens: number; costUsd: number }) {
    const kind = check.exceeded ?? 'tokens';
    const limit = (kind === 'tokens' ? check.tokensLimit : check.costLimitUsd) ?? 0;
    const used = kind === 'tokens' ? check.tokensUsed : check.costUsedUsd;
    const unit = kind === 'tokens' ? ' tokens' : ' USD';
    super(
      `LLM budget exceeded for user ${JSON.stringify(check.userId)}: ${kind} limit ${limit}${unit}, used ${used}${unit}`,
    );
    (this as unknown as Record<symbol, boolean>)[EXCEEDED_BRAND] = true;
    this.user = check.userId;
    this.kind = kind;
    this.limit = limit;
    this.used = used;
    this.reserved = kind === 'tokens' ? check.tokensReserved : check.costReservedUsd;
    this.requested = kind === 'tokens' ? requested.tokens : requested.costUsd;
    this.check = check;
  }
}

/** Thrown by {@link BudgetGuard.reserve} when Redis fails or is too slow and the guard is configured to fail closed. */
export class BudgetUnavailableError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, UNAVAILABLE_BRAND);
  }

  override readonly name = 'BudgetUnavailableError';
  readonly user: string;

  constructor(user: string, cause: unknown) {
    super(`LLM budget for user ${JSON.stringify(user)} could not be checked`, { cause });
    (this as unknown as Record<symbol, boolean>)[UNAVAILABLE_BRAND] = true;
    this.user = user;
  }
}

/**
 * Budget held for one call. Commit it with the call's usage record (records the usage and frees the hold in one
 * script call), or release it when the call made no billable request. An abandoned reservation expires by itself.
 */
export class BudgetReservation {
  /** Unique id of the hold in Redis. */
  readonly id: string;
  readonly userId: string;
  /** False when nothing is held: mode `off`, or Redis unavailable and the guard failed open. */
  readonly active: boolean;
  /** The budget state the reservation was checked against; absent when Redis was not consulted. */
  readonly check: BudgetCheck | undefined;
  private readonly store: UsageStore;
  private done = false;

  /** @internal */
  constructor(store: UsageStore, userId: string, active: boolean, check?: BudgetCheck) {
    this.store = store;
    this.id = randomUUID();
    this.userId = userId;
    this.active = active;
    this.check = check;
  }

  /** True once committed or released. */
  get settled(): boolean {
    return this.done;
  }

  /**
   * Records the call's actual usage (exactly once, by `record.id`, the span's idempotency id) and frees the hold,
   * atomically. A record without a user is counted for the reservation's user.
   */
  async commit(record: UsageRecord): Promise<RecordBatchResult> {
    const owned: UsageRecord = record.userId ? record : { ...record, userId: this.userId };
    const sameUser = this.store.userOf(owned) === this.userId;
    const release = this.active && !this.done && sameUser;
    this.done = true;
    const result = await this.store[APPLY_ENTRIES]([{ record: owned, reservationId: release ? this.id : undefined }]);
    if (this.active && !sameUser) await this.releaseNow();
    return result;
  }

  /** Frees the hold without recording anything. Safe to call more than once. */
  async release(): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (this.active) await this.releaseNow();
  }

  private async releaseNow(): Promise<void> {
    await this.store.redis.hdel(userReservationsKey(this.store.options.keyPrefix, this.userId), this.id);
  }
}

type ReserveFn = (key: string, ...argv: (string | number)[]) => Promise<(string | number)[]>;

// Shared by the ES module and CommonJS copies of the package, so a reservation made through one is seen by the other.
const STORAGE_KEY = Symbol.for('llmtel.usage.activeReservation');
const currentReservation: AsyncLocalStorage<BudgetReservation> = ((globalThis as Record<symbol, unknown>)[
  STORAGE_KEY
] ??= new AsyncLocalStorage<BudgetReservation>()) as AsyncLocalStorage<BudgetReservation>;

/** The reservation of the {@link BudgetGuard.run} call the caller is inside, if any. */
export function activeReservation(): BudgetReservation | undefined {
  return currentReservation.getStore();
}

/**
 * Keeps LLM calls within per-user budgets before they are made. `reserve` atomically checks
 * `used + reserved by calls in flight + estimate <= limit` for tokens and cost in the user's current billing cycle and
 * holds the estimate; the call's reservation is then committed with the actual usage or released. Limits resolve per
 * quantity: the user's own, else the tenant's, else the default (see {@link UsageStore.setLimits}).
 *
 * Redis errors and waits longer than `timeoutMs` never hang the call: the guard fails open (lets the call through
 * with an inactive reservation) or closed ({@link BudgetUnavailableError}) as configured.
 */
export class BudgetGuard {
  readonly store: UsageStore;
  readonly options: Readonly<ResolvedGuardOptions>;
  private readonly onWarn: BudgetGuardOptions['onWarn'];
  private readonly limitsCache = new Map<string, { at: number; value: Promise<RawLimits> }>();

  constructor(store: UsageStore, options: BudgetGuardOptions = {}) {
    this.store = store;
    this.options = Object.freeze(resolveGuardOptions(options));
    this.onWarn = options.onWarn;
  }

  /**
   * Holds `estimate` against the user's budget.
   *
   * @throws BudgetExceededError in `enforce` mode when the estimate does not fit; nothing is held then.
   * @throws BudgetUnavailableError when Redis fails or is slow and `failOpen` is false.
   */
  async reserve(estimate: BudgetEstimate = {}): Promise<BudgetReservation> {
    const user = this.store.userOf(estimate);
    if (this.options.mode === 'off') return new BudgetReservation(this.store, user, false);
    const tokens = toTokenCount(estimate.tokens);
    const costMicros = costUsdToMicros(estimate.costUsd ?? 0) ?? 0;
    const reservation = new BudgetReservation(this.store, user, true);
    let reply: (string | number)[];
    try {
      reply = await withTimeout(
        this.runReserve(reservation.id, user, estimate.tenantId, tokens, costMicros),
        this.options.timeoutMs,
        `budget check took longer than ${this.options.timeoutMs} ms`,
      );
    } catch (err) {
      if (!this.options.failOpen) throw new BudgetUnavailableError(user, err);
      diag.warn(`llmtel usage: budget check failed, letting the call through (fail-open)`, err);
      return new BudgetReservation(this.store, user, false);
    }
    const check = toCheck(user, reply);
    if (check.allowed) return withCheck(reservation, check);
    if (this.options.mode === 'enforce') {
      throw new BudgetExceededError(check, { tokens, costUsd: microsToUsd(costMicros) });
    }
    diag.warn(`llmtel usage: user ${JSON.stringify(user)} is over the ${check.exceeded} budget (warn mode)`);
    try {
      this.onWarn?.(check);
    } catch (err) {
      diag.error('llmtel usage: onWarn threw', err);
    }
    return withCheck(reservation, check);
  }

  /**
   * Reserves, runs `fn`, and releases the reservation when `fn` settles without committing it. Inside `fn`,
   * {@link activeReservation} returns the reservation, which is how the callbacks of this package commit it with the
   * call's record.
   */
  async run<T>(estimate: BudgetEstimate, fn: (reservation: BudgetReservation) => Promise<T> | T): Promise<T> {
    const reservation = await this.reserve(estimate);
    try {
      return await currentReservation.run(reservation, () => fn(reservation));
    } finally {
      if (!reservation.settled) {
        reservation.release().catch((err: unknown) => diag.warn('llmtel usage: releasing a reservation failed', err));
      }
    }
  }

  private async runReserve(
    id: string,
    user: string,
    tenantId: string | undefined,
    tokens: number,
    costMicros: number,
  ): Promise<(string | number)[]> {
    const fallback = await this.fallbackLimits(tenantId);
    const fn = (this.store.redis as unknown as Record<string, ReserveFn>)[BUDGET_RESERVE_COMMAND]!;
    return fn.call(
      this.store.redis,
      userBaseKey(this.store.options.keyPrefix, user),
      id,
      tokens,
      costMicros,
      this.options.reservationTtlMs,
      this.store.options.cycleStartDay,
      fallback.tokens ?? '',
      fallback.costMicros ?? '',
      this.options.mode === 'warn' ? 1 : 0,
    );
  }

  private fallbackLimits(tenantId: string | undefined): Promise<RawLimits> {
    const key = tenantId ?? '';
    const now = Date.now();
    const cached = this.limitsCache.get(key);
    if (cached && now - cached.at < this.options.limitsCacheMs) return cached.value;
    const value = this.store.readFallbackLimits(tenantId);
    this.limitsCache.set(key, { at: now, value });
    value.catch(() => this.limitsCache.delete(key));
    return value;
  }
}

function withCheck(reservation: BudgetReservation, check: BudgetCheck): BudgetReservation {
  (reservation as { check: BudgetCheck | undefined }).check = check;
  return reservation;
}

function toCheck(user: string, reply: (string | number)[]): BudgetCheck {
  const n = (i: number): number => Number(reply[i] ?? 0);
  const exceeded = String(reply[1] ?? '');
  return {
    userId: user,
    allowed: n(0) === 1,
    exceeded: exceeded === 'tokens' || exceeded === 'cost' ? exceeded : undefined,
    tokensLimit: n(2) < 0 ? undefined : n(2),
    tokensUsed: n(3),
    tokensReserved: n(4),
    costLimitUsd: n(5) < 0 ? undefined : microsToUsd(n(5)),
    costUsedUsd: microsToUsd(n(6)),
    costReservedUsd: microsToUsd(n(7)),
  };
}

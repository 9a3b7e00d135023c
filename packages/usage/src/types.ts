/**
 * One billable LLM call, as stored. Produced from a GenAI span by {@link usageRecordFromSpan} (collector / exporter
 * path) or from an `LlmEndEvent` by {@link usageRecordFromLlmEvent} (in-process path); both give the same record for
 * the same call, so whichever arrives second is dropped as a duplicate.
 */
export interface UsageRecord {
  /** Idempotency id: `${traceId}-${spanId}` of the billable span. A record with an id already seen is skipped. */
  id: string;
  /** `user.id`; records without one go to the store's anonymous bucket (`anonymousUser`, default `anonymous`). */
  userId?: string;
  /** `llmtel.tenant.id`. Selects the tenant's budget limits; not a counter dimension. */
  tenantId?: string;
  /** `gen_ai.provider.name` (or the deprecated `gen_ai.system`). */
  provider: string;
  requestModel?: string;
  /** The model that actually served the call. Counters break down by this, else by `requestModel`. */
  responseModel?: string;
  /** `gen_ai.agent.name`. */
  agentName?: string;
  /** `gen_ai.operation.name`. */
  operation?: string;
  /** When the call happened, ms since the epoch. Selects the (UTC) day bucket and the billing cycle. */
  timestamp: number;
  /** All input tokens including cache reads and writes (`gen_ai.usage.input_tokens`). */
  inputTokens: number;
  /** All output tokens including reasoning (`gen_ai.usage.output_tokens`). */
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** True when the token counts were estimated locally (`llmtel.usage.estimated`). */
  estimated: boolean;
  /**
   * Cost in integer micro-dollars (1 USD = 1 000 000). `undefined` = unknown price: counts as 0 cost, and as a
   * request of unknown cost (`cost_unknown_requests`) when the record has tokens.
   */
  costMicros?: number;
  /** `error.type` when the call failed; the record then also counts as an error. */
  error?: string;
}

/** Options of {@link UsageStore}. Every option also has an environment variable; code wins over the variable. */
export interface UsageStoreOptions {
  /**
   * Prefix of every key. Must not contain `{` or `}` (the store adds its own hash tags).
   * Env `LLMTEL_USAGE_KEY_PREFIX`. Default `llmtel`.
   */
  keyPrefix?: string;
  /**
   * How long a record id is remembered for de-duplication, in seconds: at least this long, at most a day longer
   * (ids are kept in one set per day). A record re-sent after this is counted again, so keep it longer than any retry
   * or collector queue can delay a span. Use the same value in every writer of a key prefix.
   * Env `LLMTEL_USAGE_DEDUPE_TTL_SECONDS`. Default 172800 (48 h).
   */
  dedupeTtlSeconds?: number;
  /**
   * Days a per-day bucket is kept after its day ends: 0 (forever) or at least 31. Cycle totals are never expired;
   * everything else (reports by model, provider or agent, even of the current cycle, and any period other than a
   * whole billing cycle) is summed from the day buckets, so this is also how far back such reports can reach.
   * Env `LLMTEL_USAGE_DAILY_RETENTION_DAYS`. Default 400.
   */
  dailyRetentionDays?: number;
  /**
   * Day of the month (1–31) on which billing cycles start for users without their own cycle start date; clamped to
   * the month's last day (31 → 28/29/30 in short months). Env `LLMTEL_USAGE_CYCLE_START_DAY`. Default 1 (calendar month).
   */
  cycleStartDay?: number;
  /** User id that records without `userId` are counted under. Env `LLMTEL_USAGE_ANONYMOUS_USER`. Default `anonymous`. */
  anonymousUser?: string;
  /**
   * Most records per script call; larger batches are split. Redis runs nothing else during a call, a few
   * microseconds per record (about 5 ms for 2048 records of 100 users). Default 2048.
   */
  maxBatchSize?: number;
}

/** Counters of a user over a period, or of one group. Cost as a decimal USD number, converted from micro-dollars. */
export interface UsageTotals {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  /** Requests with tokens but no known price: when not 0, `cost_usd` is incomplete. */
  cost_unknown_requests: number;
}

/** One group of a report: `key` is a model, provider, agent name, `YYYY-MM-DD` day, `YYYY-Www` ISO week or `YYYY-MM` month. */
export interface UsageGroup extends UsageTotals {
  key: string;
}

/** What {@link UsageStore.getUsage} returns; the usage exporter's HTTP API returns exactly this JSON. */
export interface UsageReport {
  user: string;
  /** Start of the period, ISO 8601 (inclusive). */
  from: string;
  /** End of the period, ISO 8601 (exclusive). */
  to: string;
  totals: UsageTotals;
  /** Sorted by key; empty without `groupBy`. */
  groups: UsageGroup[];
}

export type UsageGroupBy = 'model' | 'provider' | 'agent' | 'day' | 'week' | 'month';

/**
 * A usage query. Without `from`/`to` the period is the user's current billing cycle. The totals of a whole billing
 * cycle without `groupBy` come from the cycle counters; everything else is summed from the per-day buckets (UTC
 * days): `from` is rounded down and `to` up to whole days, and days older than the daily retention count as empty.
 */
export interface UsageQuery {
  userId: string;
  from?: Date;
  to?: Date;
  groupBy?: UsageGroupBy;
}

/** A row of {@link UsageStore.topUsers}: a user's totals in their current billing cycle. */
export interface UserUsageSummary {
  user: string;
  /** Cycle start, ISO 8601. */
  from: string;
  /** Cycle end (exclusive), ISO 8601. */
  to: string;
  totals: UsageTotals;
  /** `input_tokens + output_tokens`. */
  total_tokens: number;
}

/** A billing cycle: `[start, end)`. */
export interface BillingCycle {
  start: Date;
  end: Date;
}

/** Budget limits per billing cycle. An absent field means no limit on that quantity. */
export interface BudgetLimits {
  /** Most input + output tokens per cycle. */
  tokens?: number;
  /** Most cost per cycle, in USD (stored as integer micro-dollars). */
  costUsd?: number;
}

/** Result of {@link UsageStore.recordBatch}. */
export interface RecordBatchResult {
  /** Records counted by this call. */
  applied: number;
  /** Records skipped because their id had been seen (by any writer) within the dedupe TTL. */
  duplicates: number;
}

/** What the guard does when a call would go over budget. */
export type BudgetMode = 'enforce' | 'warn' | 'off';

/** Options of {@link BudgetGuard}. */
export interface BudgetGuardOptions {
  /**
   * `enforce` throws {@link BudgetExceededError} before the call; `warn` logs and lets it through (still reserving);
   * `off` never touches Redis for budgets. Env `LLMTEL_BUDGET_MODE`. Default `enforce`.
   */
  mode?: BudgetMode;
  /**
   * Longest wait for Redis when reserving, in ms; after it the guard fails open or closed.
   * Env `LLMTEL_BUDGET_TIMEOUT_MS`. Default 50.
   */
  timeoutMs?: number;
  /**
   * When Redis is down or slower than `timeoutMs`: `true` lets the call through (fail-open), `false` throws
   * {@link BudgetUnavailableError} (fail-closed). Env `LLMTEL_BUDGET_FAIL_OPEN`. Default `true`.
   */
  failOpen?: boolean;
  /**
   * How long a reservation holds budget if it is neither committed nor released (a crashed process), in ms.
   * Env `LLMTEL_BUDGET_RESERVATION_TTL_MS`. Default 300000 (5 min).
   */
  reservationTtlMs?: number;
  /** How long tenant and default limits are cached in-process, in ms. Default 1000. */
  limitsCacheMs?: number;
  /** Called when a call goes over budget in `warn` mode. */
  onWarn?: (info: BudgetCheck) => void;
}

/** An estimate of what a call will use, reserved before it starts. */
export interface BudgetEstimate {
  /** User the call is made for; records without one use the store's anonymous user. */
  userId?: string;
  /** Tenant of the user: selects tenant limits when the user has none of their own. */
  tenantId?: string;
  /** Estimated input + output tokens. Default 0. */
  tokens?: number;
  /** Estimated cost in USD. Default 0. */
  costUsd?: number;
}

/** The budget state a reservation was checked against. `undefined` limits mean no limit. */
export interface BudgetCheck {
  userId: string;
  allowed: boolean;
  /** Which limit was hit first, when not allowed. */
  exceeded?: 'tokens' | 'cost';
  tokensLimit?: number;
  tokensUsed: number;
  tokensReserved: number;
  costLimitUsd?: number;
  costUsedUsd: number;
  costReservedUsd: number;
}

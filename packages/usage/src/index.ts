export { UsageStore } from './store.js';
export {
  usageRecordFromSpan,
  usageRecordFromLlmEvent,
  USAGE_SPAN_ATTRIBUTES,
  type UsageSpan,
  type UsageRecordFromSpanOptions,
} from './span.js';
export {
  BudgetGuard,
  BudgetReservation,
  BudgetExceededError,
  BudgetUnavailableError,
  activeReservation,
} from './budget.js';
export {
  createTokenCallback,
  createDetailedTokenCallback,
  createCompositeCallback,
  type DetailedTokenCallbackOptions,
  type UsageCallbackHandler,
} from './callbacks.js';
export type {
  UsageRecord,
  UsageStoreOptions,
  UsageTotals,
  UsageGroup,
  UsageReport,
  UsageGroupBy,
  UsageQuery,
  UserUsageSummary,
  BillingCycle,
  BudgetLimits,
  RecordBatchResult,
  BudgetMode,
  BudgetGuardOptions,
  BudgetEstimate,
  BudgetCheck,
} from './types.js';

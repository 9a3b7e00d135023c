import type {
  BudgetLimits,
  RecordBatchResult,
  UsageQuery,
  UsageRecord,
  UsageReport,
  UserUsageSummary,
} from '@llmtel/usage';

/** The part of `UsageStore` the query API and the CLI use; lets the CLI go through HTTP or Redis alike. */
export interface QueryStore {
  getUsage(query: UsageQuery): Promise<UsageReport>;
  topUsers(n: number, by: 'cost' | 'tokens'): Promise<UserUsageSummary[]>;
  listModels(): Promise<string[]>;
  listAgents(): Promise<string[]>;
  countUsers(): Promise<number>;
  getLimits(user: string): Promise<BudgetLimits | undefined>;
  setLimits(user: string, limits: BudgetLimits): Promise<void>;
  deleteLimits(user: string): Promise<unknown>;
}

/** The part of `UsageStore` the receiver uses. */
export interface RecordStore {
  recordBatch(records: UsageRecord[]): Promise<RecordBatchResult>;
}

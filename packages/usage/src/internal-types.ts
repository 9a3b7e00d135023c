import { type UsageRecord } from './types.js';

/** A record to apply, with the budget reservation to release in the same script call. */
export interface RecordEntry {
  record: UsageRecord;
  reservationId?: string;
}

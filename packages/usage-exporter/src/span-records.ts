import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  type PricingTable,
  resolvePricingTable,
} from '@llmtel/core';
import { type UsageRecord, usageRecordFromSpan } from '@llmtel/usage';
import type { SpanConversion } from './http/traces.js';
import type { OtlpSpan } from './otlp/types.js';
import { isValidSpanId, isValidTraceId } from './utils.js';

/** Message content attributes: possibly large, never usage, so the decoder skips them without decoding. */
export const CONTENT_ATTRIBUTES: ReadonlySet<string> = new Set([
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
]);

export interface SpanConverterOptions {
  /** Prices for records whose span carries no `llmtel.usage.cost_usd`. Default: `resolvePricingTable()`. */
  pricing?: PricingTable;
  /** Also count other SDKs' GenAI spans that carry usage but no `llmtel.usage.billable`. Default false. */
  countNonBillable?: boolean;
}

/**
 * Turns decoded OTLP spans into usage records through `@llmtel/usage`'s one mapping (the in-process path uses the
 * same, so both yield the same record id). Spans with malformed ids are rejected; spans that are not billable usage
 * are accepted and skipped.
 */
export class SpanConverter {
  private readonly pricing: PricingTable;
  private readonly countNonBillable: boolean;

  constructor(options: SpanConverterOptions = {}) {
    this.pricing = options.pricing ?? resolvePricingTable();
    this.countNonBillable = options.countNonBillable ?? false;
  }

  convert(spans: OtlpSpan[]): SpanConversion {
    const records: UsageRecord[] = [];
    let rejected = 0;
    let rejectReason: string | undefined;
    const options = { countNonBillable: this.countNonBillable };
    for (const span of spans) {
      if (!isValidTraceId(span.traceId) || !isValidSpanId(span.spanId)) {
        rejected++;
        rejectReason ??= `span "${span.name}" has an invalid trace or span id`;
        continue;
      }
      const record = usageRecordFromSpan(
        {
          traceId: span.traceId,
          spanId: span.spanId,
          attributes: span.attributes,
          startTimeMs: nanosToMillis(span.startTimeUnixNano),
          // An unset end time (0) must not hide the start time.
          endTimeMs: span.endTimeUnixNano > 0n ? nanosToMillis(span.endTimeUnixNano) : undefined,
          statusCode: span.status.code,
          statusMessage: span.status.message,
          name: span.name,
        },
        options,
      );
      if (!record) continue;
      if (!(record.timestamp > 0)) {
        rejected++;
        rejectReason ??= `span "${span.name}" has no start or end time`;
        continue;
      }
      if (record.costMicros === undefined && record.error === undefined) this.price(record);
      records.push(record);
    }
    return rejectReason === undefined ? { records, rejected } : { records, rejected, rejectReason };
  }

  /** Cost from the pricing table when the span had none (an SDK without prices, or an old table at the source). */
  private price(record: UsageRecord): void {
    const model = record.responseModel ?? record.requestModel;
    if (!model || (record.inputTokens === 0 && record.outputTokens === 0)) return;
    const usd = this.pricing.cost(record.provider, model, {
      inputTokens: record.inputTokens,
      outputTokens: record.outputTokens,
      cacheReadInputTokens: record.cacheReadTokens,
      cacheCreationInputTokens: record.cacheWriteTokens,
      reasoningOutputTokens: record.reasoningTokens,
    });
    if (usd !== undefined && Number.isFinite(usd) && usd >= 0) record.costMicros = Math.round(usd * 1_000_000);
  }
}

function nanosToMillis(ns: bigint): number {
  // Number() of the nanoseconds keeps ~0.25 µs precision today: far finer than the day buckets need.
  return Math.floor(Number(ns) / 1e6);
}

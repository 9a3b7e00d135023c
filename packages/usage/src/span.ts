// The one mapping from GenAI spans (and in-process LLM events) to usage records. The exporter and the in-process
// handlers both go through here, so the same call always yields the same record id and counts.
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_LLMTEL_TENANT_ID,
  ATTR_LLMTEL_USAGE_BILLABLE,
  ATTR_LLMTEL_USAGE_COST_USD,
  ATTR_LLMTEL_USAGE_ESTIMATED,
  ATTR_USER_ID,
  ERROR_TYPE_VALUE_OTHER,
  type LlmEndEvent,
  type LlmErrorEvent,
} from '@llmtel/core';
import { type UsageRecord } from './types.js';
import { costUsdToMicros, toHex, toTokenCount } from './utils.js';

/**
 * The parts of a finished span the mapping reads. Ids may be hex strings or the raw bytes of OTLP protobuf;
 * attribute values may be OTLP JSON's string-encoded integers.
 */
export interface UsageSpan {
  traceId: string | Uint8Array;
  spanId: string | Uint8Array;
  attributes: Record<string, unknown>;
  startTimeMs: number;
  endTimeMs?: number;
  /** OTel status code: 0 unset, 1 ok, 2 error (OTLP JSON's `STATUS_CODE_ERROR` accepted too). */
  statusCode?: number | string;
  statusMessage?: string;
  name?: string;
}

export interface UsageRecordFromSpanOptions {
  /**
   * Also count spans without `llmtel.usage.billable` that carry `gen_ai.usage.*` (other SDKs' GenAI spans).
   * Spans with `llmtel.usage.billable=false` (wrappers around a billable span) are never counted. Default false.
   */
  countNonBillable?: boolean;
}

const USAGE_ATTRIBUTES = [
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
];

/** Every span attribute {@link usageRecordFromSpan} reads: a decoder may skip all others. */
export const USAGE_SPAN_ATTRIBUTES: ReadonlySet<string> = new Set([
  ATTR_LLMTEL_USAGE_BILLABLE,
  ...USAGE_ATTRIBUTES,
  ATTR_ERROR_TYPE,
  ATTR_USER_ID,
  ATTR_LLMTEL_TENANT_ID,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_LLMTEL_USAGE_ESTIMATED,
  ATTR_LLMTEL_USAGE_COST_USD,
]);

function stringAttr(attributes: Record<string, unknown>, name: string): string | undefined {
  const v = attributes[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isTrue(v: unknown): boolean {
  return v === true || v === 'true';
}

function isErrorStatus(code: number | string | undefined): boolean {
  return code === 2 || code === 'STATUS_CODE_ERROR' || code === 'ERROR';
}

/**
 * Maps a finished GenAI span to a usage record, or `undefined` when the span is not billable usage: only spans with
 * `llmtel.usage.billable=true` count, plus, with `countNonBillable`, spans of other SDKs that carry
 * `gen_ai.usage.*` and no billable flag. The record id is `${traceId}-${spanId}` (lower-case hex).
 */
export function usageRecordFromSpan(
  span: UsageSpan,
  options: UsageRecordFromSpanOptions = {},
): UsageRecord | undefined {
  const a = span.attributes;
  const billable = a[ATTR_LLMTEL_USAGE_BILLABLE];
  if (!isTrue(billable)) {
    if (billable !== undefined || !options.countNonBillable) return undefined;
    if (!USAGE_ATTRIBUTES.some((name) => a[name] !== undefined)) return undefined;
  }
  const traceId = toHex(span.traceId);
  const spanId = toHex(span.spanId);
  if (!traceId || !spanId) return undefined;
  const error = stringAttr(a, ATTR_ERROR_TYPE) ?? (isErrorStatus(span.statusCode) ? ERROR_TYPE_VALUE_OTHER : undefined);
  const timestamp = Number.isFinite(span.endTimeMs) ? (span.endTimeMs as number) : span.startTimeMs;
  return {
    id: `${traceId}-${spanId}`,
    userId: stringAttr(a, ATTR_USER_ID),
    tenantId: stringAttr(a, ATTR_LLMTEL_TENANT_ID),
    provider: stringAttr(a, ATTR_GEN_AI_PROVIDER_NAME) ?? stringAttr(a, ATTR_GEN_AI_SYSTEM) ?? 'unknown',
    requestModel: stringAttr(a, ATTR_GEN_AI_REQUEST_MODEL),
    responseModel: stringAttr(a, ATTR_GEN_AI_RESPONSE_MODEL),
    agentName: stringAttr(a, ATTR_GEN_AI_AGENT_NAME),
    operation: stringAttr(a, ATTR_GEN_AI_OPERATION_NAME),
    timestamp,
    inputTokens: toTokenCount(a[ATTR_GEN_AI_USAGE_INPUT_TOKENS]),
    outputTokens: toTokenCount(a[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]),
    cacheReadTokens: toTokenCount(a[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]),
    cacheWriteTokens: toTokenCount(a[ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]),
    reasoningTokens: toTokenCount(a[ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]),
    estimated: isTrue(a[ATTR_LLMTEL_USAGE_ESTIMATED]),
    costMicros: costUsdToMicros(a[ATTR_LLMTEL_USAGE_COST_USD]),
    error,
  };
}

/**
 * Maps an in-process `LlmEndEvent` (or an `LlmErrorEvent` that still carries usage) to the record the billable
 * span of the same call yields, with the same id (`callId`), so the in-process path and the exporter never both count.
 */
export function usageRecordFromLlmEvent(event: LlmEndEvent | LlmErrorEvent): UsageRecord {
  const usage = event.usage ?? {};
  const isError = 'errorType' in event;
  // A failed call that reported usage costs what it cost, as on its span; an error event carries a cost (or response
  // model) only when the recorder knew it.
  const { costUsd, responseModel } = event as Partial<Pick<LlmEndEvent, 'costUsd' | 'responseModel'>>;
  return {
    id: event.callId,
    userId: event.attribution.userId || undefined,
    tenantId: event.attribution.tenantId || undefined,
    provider: event.provider || 'unknown',
    requestModel: event.requestModel || undefined,
    responseModel: responseModel || undefined,
    agentName: event.attribution.agentName || undefined,
    operation: event.operation || undefined,
    timestamp: event.startTime + event.durationMs,
    inputTokens: toTokenCount(usage.inputTokens),
    outputTokens: toTokenCount(usage.outputTokens),
    cacheReadTokens: toTokenCount(usage.cacheReadInputTokens),
    cacheWriteTokens: toTokenCount(usage.cacheCreationInputTokens),
    reasoningTokens: toTokenCount(usage.reasoningOutputTokens),
    estimated: usage.estimated === true,
    costMicros: costUsdToMicros(costUsd),
    error: isError ? event.errorType : undefined,
  };
}

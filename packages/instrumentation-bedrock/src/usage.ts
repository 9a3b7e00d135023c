import { type TokenUsage, isNumber, numberOr } from '@llmtel/core';
import { isObject } from './utils.js';

/**
 * Token counts as Bedrock reports them. Bedrock counts cache reads and cache writes apart from the input tokens
 * (Converse `usage.inputTokens`, `amazon-bedrock-invocationMetrics.inputTokenCount`, the
 * `x-amzn-bedrock-input-token-count` header, and the Anthropic and Nova bodies alike): `input` is the uncached
 * input only.
 */
export interface BedrockUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** The part of `cacheWrite` written with a 1-hour TTL. */
  cacheWrite1h?: number;
}

/** Converse / ConverseStream `usage` (`TokenUsage` in the Bedrock API reference). */
export function converseUsage(usage: unknown): BedrockUsage | undefined {
  if (!isObject(usage)) return undefined;
  return {
    input: numberOr(usage.inputTokens),
    output: numberOr(usage.outputTokens),
    cacheRead: numberOr(usage.cacheReadInputTokens),
    cacheWrite: numberOr(usage.cacheWriteInputTokens),
    cacheWrite1h: oneHourWrites(usage.cacheDetails),
  };
}

/** The 1-hour part of `cacheDetails` (`CacheDetail`: `{ ttl: '5m' | '1h', inputTokens }`, the cache writes by TTL). */
function oneHourWrites(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  let total = 0;
  for (const detail of details) {
    if (!isObject(detail) || detail.ttl !== '1h') continue;
    const tokens = numberOr(detail.inputTokens);
    if (tokens === undefined) return undefined;
    total += tokens;
  }
  return total;
}

/** `amazon-bedrock-invocationMetrics`, which Bedrock appends to the last chunk of an InvokeModel stream. */
export function invocationMetricsUsage(metrics: unknown): BedrockUsage | undefined {
  if (!isObject(metrics)) return undefined;
  return {
    input: numberOr(metrics.inputTokenCount),
    output: numberOr(metrics.outputTokenCount),
    cacheRead: numberOr(metrics.cacheReadInputTokenCount),
    cacheWrite: numberOr(metrics.cacheWriteInputTokenCount),
  };
}

/** Response headers of InvokeModel (names lower-case, as the SDK's HTTP handlers deliver them). */
export const HEADER_INPUT_TOKENS = 'x-amzn-bedrock-input-token-count';
export const HEADER_OUTPUT_TOKENS = 'x-amzn-bedrock-output-token-count';
export const HEADER_CACHE_READ_TOKENS = 'x-amzn-bedrock-cache-read-input-token-count';
export const HEADER_CACHE_WRITE_TOKENS = 'x-amzn-bedrock-cache-write-input-token-count';

function headerNumber(headers: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const raw = headers[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** The `x-amzn-bedrock-*-token-count` headers; undefined when none is there. */
export function headerUsage(
  headers: Readonly<Record<string, string | undefined>> | undefined,
): BedrockUsage | undefined {
  if (headers === undefined) return undefined;
  const usage: BedrockUsage = {
    input: headerNumber(headers, HEADER_INPUT_TOKENS),
    output: headerNumber(headers, HEADER_OUTPUT_TOKENS),
    cacheRead: headerNumber(headers, HEADER_CACHE_READ_TOKENS),
    cacheWrite: headerNumber(headers, HEADER_CACHE_WRITE_TOKENS),
  };
  return isEmpty(usage) ? undefined : usage;
}

function isEmpty(usage: BedrockUsage): boolean {
  return (
    usage.input === undefined &&
    usage.output === undefined &&
    usage.cacheRead === undefined &&
    usage.cacheWrite === undefined
  );
}

/** Each count from the first source that has it: Bedrock's own accounting first, then the model's body. */
export function preferFirst(...sources: (BedrockUsage | undefined)[]): BedrockUsage | undefined {
  let out: BedrockUsage | undefined;
  for (const source of sources) {
    if (source === undefined) continue;
    out ??= {};
    out.input ??= source.input;
    out.output ??= source.output;
    out.cacheRead ??= source.cacheRead;
    out.cacheWrite ??= source.cacheWrite;
    out.cacheWrite1h ??= source.cacheWrite1h;
  }
  return out === undefined || isEmpty(out) ? undefined : out;
}

/**
 * In the conventions' meaning: `gen_ai.usage.input_tokens` includes cached input, so the cache reads and writes
 * Bedrock reports apart are added to it. A missing count stays missing (the core may then estimate it).
 */
export function toTokenUsage(usage: BedrockUsage | undefined): TokenUsage | undefined {
  if (usage === undefined) return undefined;
  const out: TokenUsage = {};
  if (isNumber(usage.input)) out.inputTokens = usage.input + (usage.cacheRead ?? 0) + (usage.cacheWrite ?? 0);
  if (isNumber(usage.output)) out.outputTokens = usage.output;
  if (isNumber(usage.cacheRead)) out.cacheReadInputTokens = usage.cacheRead;
  if (isNumber(usage.cacheWrite)) out.cacheCreationInputTokens = usage.cacheWrite;
  if (isNumber(usage.cacheWrite1h)) out.cacheCreation1hInputTokens = usage.cacheWrite1h;
  return out;
}

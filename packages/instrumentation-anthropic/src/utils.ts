import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_GEN_AI_REQUEST_TOP_P,
  type TokenUsage,
  isNumber,
  isObject,
  numberOr,
} from '@llmtel/core';

export type Json = Record<string, unknown>;

function setNumber(attrs: Attributes, key: string, value: unknown): void {
  if (isNumber(value)) attrs[key] = value;
}

/** The request model, or `''` when the body has none (the span is then named after the operation alone). */
export function modelOf(body: Json): string {
  return typeof body.model === 'string' ? body.model : '';
}

/** `gen_ai.request.*` attributes of a `messages.create` body (also the beta one). */
export function messagesRequestAttributes(body: Json): Attributes {
  const attrs: Attributes = {};
  setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_tokens);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, body.top_p);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_K, body.top_k);
  const stop = body.stop_sequences;
  if (Array.isArray(stop) && stop.length > 0 && stop.every((s) => typeof s === 'string')) {
    attrs[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = stop;
  }
  // Structured outputs: `output_config.format`, or the beta API's deprecated `output_format`.
  const outputConfig = isObject(body.output_config) ? body.output_config : undefined;
  const format = isObject(outputConfig?.format) ? outputConfig.format : body.output_format;
  if (isObject(format) && format.type === 'json_schema') attrs[ATTR_GEN_AI_OUTPUT_TYPE] = 'json';
  return attrs;
}

/**
 * A Messages API usage object in the conventions' meaning. Anthropic's `input_tokens` leaves out the tokens read from
 * and written to the prompt cache, while `gen_ai.usage.input_tokens` includes them, so the three are added up
 * (https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/#gen-ai-usage-input-tokens);
 * `output_tokens` already includes the thinking tokens (`output_tokens_details.thinking_tokens`, newer API versions).
 * `cache_creation.ephemeral_1h_input_tokens` (newer API versions) is the part of the cache writes with a 1-hour TTL,
 * which costs more than a 5-minute write
 * (https://platform.claude.com/docs/en/build-with-claude/prompt-caching#1-hour-cache-duration).
 */
export function anthropicUsage(usage: unknown): TokenUsage | undefined {
  if (!isObject(usage)) return undefined;
  const out: TokenUsage = {};
  const input = numberOr(usage.input_tokens);
  const cacheRead = numberOr(usage.cache_read_input_tokens);
  const cacheWrite = numberOr(usage.cache_creation_input_tokens);
  if (input !== undefined) out.inputTokens = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (cacheRead !== undefined) out.cacheReadInputTokens = cacheRead;
  if (cacheWrite !== undefined) out.cacheCreationInputTokens = cacheWrite;
  const byTtl = usage.cache_creation;
  const oneHour = isObject(byTtl) ? numberOr(byTtl.ephemeral_1h_input_tokens) : undefined;
  if (oneHour !== undefined) out.cacheCreation1hInputTokens = oneHour;
  const output = numberOr(usage.output_tokens);
  if (output !== undefined) out.outputTokens = output;
  const details = usage.output_tokens_details;
  const thinking = isObject(details) ? numberOr(details.thinking_tokens) : undefined;
  if (thinking !== undefined) out.reasoningOutputTokens = thinking;
  return out;
}

/**
 * The usage of a streamed Message: `message_start`'s, overlaid with each `message_delta`'s non-null fields. Until a
 * `message_delta` arrives, `message_start`'s output count is a placeholder (1 to 3 tokens), so it is left out and
 * the output is estimated instead.
 */
export function streamedUsage(start: Json | undefined, delta: Json | undefined): TokenUsage | undefined {
  if (start === undefined && delta === undefined) return undefined;
  const merged: Json = { ...start };
  if (delta === undefined) {
    delete merged.output_tokens;
    delete merged.output_tokens_details;
  } else {
    for (const [key, value] of Object.entries(delta)) {
      if (value !== null && value !== undefined) merged[key] = value;
    }
  }
  return anthropicUsage(merged);
}

import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  type TokenUsage,
  isNumber,
  isObject,
} from '@llmtel/core';

/** OpenAI-specific attributes of the conventions' `openai.*` registry (semconv v1.41). */
export const ATTR_OPENAI_REQUEST_SERVICE_TIER = 'openai.request.service_tier';
export const ATTR_OPENAI_RESPONSE_SERVICE_TIER = 'openai.response.service_tier';
export const ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT = 'openai.response.system_fingerprint';

export type Json = Record<string, unknown>;

function setNumber(attrs: Attributes, key: string, value: unknown): void {
  if (isNumber(value)) attrs[key] = value;
}

function stopSequences(stop: unknown): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.every((s) => typeof s === 'string')) return stop;
  return undefined;
}

/** `gen_ai.output.type` from `response_format.type` (chat) or `text.format.type` (Responses). */
function outputType(formatType: unknown): string | undefined {
  if (formatType === 'text') return 'text';
  if (formatType === 'json_object' || formatType === 'json_schema') return 'json';
  return undefined;
}

function sampling(body: Json, attrs: Attributes): void {
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, body.top_p);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, body.frequency_penalty);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, body.presence_penalty);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_SEED, body.seed);
  const stop = stopSequences(body.stop);
  if (stop !== undefined) attrs[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = stop;
  // The conventions record the choice count only when it is not the default of 1.
  if (isNumber(body.n) && body.n !== 1) attrs[ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = body.n;
  if (typeof body.service_tier === 'string') attrs[ATTR_OPENAI_REQUEST_SERVICE_TIER] = body.service_tier;
}

/** `gen_ai.request.*` attributes of a `chat.completions.create` body. */
export function chatRequestAttributes(body: Json): Attributes {
  const attrs: Attributes = {};
  sampling(body, attrs);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_completion_tokens ?? body.max_tokens);
  const format = isObject(body.response_format) ? outputType(body.response_format.type) : undefined;
  if (format !== undefined) attrs[ATTR_GEN_AI_OUTPUT_TYPE] = format;
  return attrs;
}

/** `gen_ai.request.*` attributes of a legacy `completions.create` body. */
export function completionRequestAttributes(body: Json): Attributes {
  const attrs: Attributes = {};
  sampling(body, attrs);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_tokens);
  return attrs;
}

/** `gen_ai.request.*` attributes of an `embeddings.create` body. */
export function embeddingsRequestAttributes(body: Json): Attributes {
  const attrs: Attributes = {};
  if (typeof body.encoding_format === 'string') attrs[ATTR_GEN_AI_REQUEST_ENCODING_FORMATS] = [body.encoding_format];
  return attrs;
}

/** `gen_ai.request.*` attributes of a `responses.create` body. */
export function responsesRequestAttributes(body: Json): Attributes {
  const attrs: Attributes = {};
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, body.top_p);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_output_tokens);
  if (typeof body.service_tier === 'string') attrs[ATTR_OPENAI_REQUEST_SERVICE_TIER] = body.service_tier;
  const text = body.text;
  const format = isObject(text) && isObject(text.format) ? outputType(text.format.type) : undefined;
  if (format !== undefined) attrs[ATTR_GEN_AI_OUTPUT_TYPE] = format;
  return attrs;
}

/** `openai.response.*` attributes of a chat completion, completion or chunk. */
export function openaiResponseAttributes(result: Json): Attributes | undefined {
  const tier = result.service_tier;
  const fingerprint = result.system_fingerprint;
  if (typeof tier !== 'string' && typeof fingerprint !== 'string') return undefined;
  const attrs: Attributes = {};
  if (typeof tier === 'string') attrs[ATTR_OPENAI_RESPONSE_SERVICE_TIER] = tier;
  if (typeof fingerprint === 'string') attrs[ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT] = fingerprint;
  return attrs;
}

/**
 * Token usage of chat completions, legacy completions and embeddings, in the conventions' meaning.
 * `prompt_tokens` already includes cached tokens (`prompt_tokens_details.cached_tokens`, or DeepSeek's
 * `prompt_cache_hit_tokens`); `completion_tokens` includes `completion_tokens_details.reasoning_tokens`.
 */
export function chatUsage(usage: unknown): TokenUsage | undefined {
  if (!isObject(usage)) return undefined;
  const out: TokenUsage = {};
  if (isNumber(usage.prompt_tokens)) out.inputTokens = usage.prompt_tokens;
  if (isNumber(usage.completion_tokens)) out.outputTokens = usage.completion_tokens;
  const promptDetails = usage.prompt_tokens_details;
  const cached = isObject(promptDetails) ? promptDetails.cached_tokens : usage.prompt_cache_hit_tokens;
  if (isNumber(cached)) out.cacheReadInputTokens = cached;
  const completionDetails = usage.completion_tokens_details;
  if (isObject(completionDetails) && isNumber(completionDetails.reasoning_tokens)) {
    out.reasoningOutputTokens = completionDetails.reasoning_tokens;
  }
  return out;
}

/**
 * Token usage of a Responses API response: `input_tokens` includes `input_tokens_details.cached_tokens`,
 * `output_tokens` includes `output_tokens_details.reasoning_tokens`.
 */
export function responsesUsage(usage: unknown): TokenUsage | undefined {
  if (!isObject(usage)) return undefined;
  const out: TokenUsage = {};
  if (isNumber(usage.input_tokens)) out.inputTokens = usage.input_tokens;
  if (isNumber(usage.output_tokens)) out.outputTokens = usage.output_tokens;
  const inputDetails = usage.input_tokens_details;
  if (isObject(inputDetails) && isNumber(inputDetails.cached_tokens))
    out.cacheReadInputTokens = inputDetails.cached_tokens;
  const outputDetails = usage.output_tokens_details;
  if (isObject(outputDetails) && isNumber(outputDetails.reasoning_tokens)) {
    out.reasoningOutputTokens = outputDetails.reasoning_tokens;
  }
  return out;
}

/** Output items that hand control back to the app (server-side tools such as `web_search_call` do not). */
const CLIENT_TOOL_CALLS: ReadonlySet<unknown> = new Set([
  'function_call',
  'custom_tool_call',
  'computer_call',
  'local_shell_call',
  'shell_call',
  'apply_patch_call',
]);

/**
 * The finish reason of a Responses API response, in Chat Completions terms so that dashboards can group both APIs:
 * `stop`, `tool_calls`, `length` (ran into `max_output_tokens`), `content_filter`, `error`, `cancelled`.
 */
export function responsesFinishReason(response: Json): string | undefined {
  switch (response.status) {
    case 'completed': {
      const output = response.output;
      const called = Array.isArray(output) && output.some((item) => isObject(item) && CLIENT_TOOL_CALLS.has(item.type));
      return called ? 'tool_calls' : 'stop';
    }
    case 'incomplete': {
      const reason = isObject(response.incomplete_details) ? response.incomplete_details.reason : undefined;
      if (reason === 'max_output_tokens') return 'length';
      return typeof reason === 'string' ? reason : 'incomplete';
    }
    case 'failed':
      return 'error';
    case 'cancelled':
      return 'cancelled';
    default:
      return undefined;
  }
}

/** The request model, or `''` when the body has none (the span is then named after the operation alone). */
export function modelOf(body: Json): string {
  return typeof body.model === 'string' ? body.model : '';
}

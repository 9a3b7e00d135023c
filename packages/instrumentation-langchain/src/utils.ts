import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_GEN_AI_REQUEST_TOP_P,
  type TokenUsage,
  isNumber,
  isObject,
  nonEmptyString as str,
  stopSequences,
} from '@llmtel/core';
import type { GenerationLike, Json, LLMResultLike, SerializedLike } from './internal-types.js';

/**
 * `ls_provider` (what LangChain integrations report in run metadata) → `gen_ai.provider.name`. Integrations not
 * listed keep their own name (`ollama`, `together`, ...).
 */
const PROVIDERS: Readonly<Record<string, string>> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  azure_openai: 'azure.ai.openai',
  anthropic: 'anthropic',
  google_genai: 'gcp.gemini',
  'google-genai': 'gcp.gemini',
  google_vertexai: 'gcp.vertex_ai',
  'google-vertexai': 'gcp.vertex_ai',
  vertexai: 'gcp.vertex_ai',
  amazon_bedrock: 'aws.bedrock',
  bedrock: 'aws.bedrock',
  mistral: 'mistral_ai',
  mistralai: 'mistral_ai',
  cohere: 'cohere',
  groq: 'groq',
  deepseek: 'deepseek',
  xai: 'x_ai',
  perplexity: 'perplexity',
  ibm: 'ibm.watsonx.ai',
  watsonx: 'ibm.watsonx.ai',
};

/** The class name of a serialized model, chain or tool (`['langchain', 'chat_models', 'openai', 'ChatOpenAI']`). */
export function serializedName(serialized: SerializedLike | undefined): string | undefined {
  if (!isObject(serialized)) return undefined;
  const id = serialized.id;
  if (Array.isArray(id) && id.length > 0) return str(id[id.length - 1]);
  return str(serialized.name);
}

/** `gen_ai.provider.name` of a model run. */
export function providerOf(metadata: Json | undefined, serialized: SerializedLike | undefined): string {
  const declared = str(metadata?.ls_provider)?.toLowerCase();
  if (declared !== undefined) return PROVIDERS[declared] ?? declared;
  const name = serializedName(serialized);
  return name ? name.replace(/^Chat/, '').toLowerCase() || 'langchain' : 'langchain';
}

/** The model a run asked for: `ls_model_name`, else the invocation params' `model` / `model_name`. */
export function requestModelOf(metadata: Json | undefined, params: Json | undefined): string {
  return str(metadata?.ls_model_name) ?? str(params?.model) ?? str(params?.model_name) ?? str(params?.modelName) ?? '';
}

function setNumber(attrs: Attributes, key: string, ...values: unknown[]): void {
  for (const value of values) {
    if (isNumber(value)) {
      attrs[key] = value;
      return;
    }
  }
}

/**
 * `gen_ai.request.*` from the run's LangSmith params (`ls_temperature`, `ls_max_tokens`, `ls_stop`) and its
 * invocation params, which use the provider's own names (OpenAI's `top_p`, Anthropic's `top_k`, ...).
 */
export function requestAttributesOf(metadata: Json | undefined, params: Json | undefined): Attributes {
  const attrs: Attributes = {};
  const p = params ?? {};
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, metadata?.ls_temperature, p.temperature);
  setNumber(
    attrs,
    ATTR_GEN_AI_REQUEST_MAX_TOKENS,
    metadata?.ls_max_tokens,
    p.max_completion_tokens,
    p.max_tokens,
    p.maxTokens,
    p.max_output_tokens,
  );
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, p.top_p, p.topP);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_K, p.top_k, p.topK);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, p.frequency_penalty, p.frequencyPenalty);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, p.presence_penalty, p.presencePenalty);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_SEED, p.seed);
  // The conventions record the choice count only when it is not the default of 1.
  if (isNumber(p.n) && p.n !== 1) attrs[ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = p.n;
  const stop = stopSequences(metadata?.ls_stop) ?? stopSequences(p.stop);
  if (stop !== undefined) attrs[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = stop;
  const format = isObject(p.response_format) ? p.response_format.type : undefined;
  if (format === 'json_object' || format === 'json_schema') attrs[ATTR_GEN_AI_OUTPUT_TYPE] = 'json';
  else if (format === 'text') attrs[ATTR_GEN_AI_OUTPUT_TYPE] = 'text';
  return attrs;
}

/**
 * Token usage of a run in the conventions' meaning. LangChain's standard `usage_metadata` already counts cached
 * tokens in `input_tokens` and reasoning tokens in `output_tokens`; older integrations and LLMs only report
 * `llmOutput.tokenUsage`. LangChain's own `estimatedTokenUsage` is ignored: llmtel estimates with the model's
 * tokenizer instead, and marks the span `llmtel.usage.estimated`.
 */
export function usageOf(result: LLMResultLike): TokenUsage | undefined {
  const first = result.generations?.[0]?.[0];
  const meta = first?.message?.usage_metadata;
  if (isObject(meta) && (isNumber(meta.input_tokens) || isNumber(meta.output_tokens))) {
    const usage: TokenUsage = {};
    if (isNumber(meta.input_tokens)) usage.inputTokens = meta.input_tokens;
    if (isNumber(meta.output_tokens)) usage.outputTokens = meta.output_tokens;
    const input = meta.input_token_details;
    if (isObject(input)) {
      if (isNumber(input.cache_read)) usage.cacheReadInputTokens = input.cache_read;
      if (isNumber(input.cache_creation)) usage.cacheCreationInputTokens = input.cache_creation;
    }
    const output = meta.output_token_details;
    if (isObject(output) && isNumber(output.reasoning)) usage.reasoningOutputTokens = output.reasoning;
    return usage;
  }
  const tokenUsage = isObject(result.llmOutput) ? result.llmOutput.tokenUsage : undefined;
  if (isObject(tokenUsage) && (isNumber(tokenUsage.promptTokens) || isNumber(tokenUsage.completionTokens))) {
    const usage: TokenUsage = {};
    if (isNumber(tokenUsage.promptTokens)) usage.inputTokens = tokenUsage.promptTokens;
    if (isNumber(tokenUsage.completionTokens)) usage.outputTokens = tokenUsage.completionTokens;
    return usage;
  }
  return undefined;
}

function metadataOf(generation: GenerationLike): Json {
  const info = isObject(generation.generationInfo) ? generation.generationInfo : {};
  const meta = isObject(generation.message?.response_metadata) ? generation.message.response_metadata : {};
  return { ...meta, ...info };
}

/** The finish reason of one generation, under whichever name its integration reports it. */
export function finishReasonOf(generation: GenerationLike): string | undefined {
  const meta = metadataOf(generation);
  return str(meta.finish_reason) ?? str(meta.stop_reason) ?? str(meta.stopReason) ?? str(meta.finishReason);
}

export function responseModelOf(generation: GenerationLike | undefined): string | undefined {
  if (generation === undefined) return undefined;
  const meta = metadataOf(generation);
  return str(meta.model_name) ?? str(meta.model) ?? str(meta.modelId);
}

/** The provider's response id; LangChain's own run-derived message ids (`run-<uuid>`) are not one. */
export function responseIdOf(generation: GenerationLike | undefined): string | undefined {
  if (generation === undefined) return undefined;
  const id = str(generation.message?.id) ?? str(metadataOf(generation).id);
  return id !== undefined && !/^(lc_)?run-/.test(id) ? id : undefined;
}

/** Cuts `text` to `max` UTF-16 code units, marking the cut. */
export function truncate(text: string, max: number): string {
  const mark = '…[truncated]';
  return text.length <= max ? text : text.slice(0, Math.max(0, max - mark.length)) + mark;
}

/** A tool's input or output as text: strings as they are, `ToolMessage`s by their content, anything else as JSON. */
export function toolText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isObject(value) && 'content' in value) return toolText(value.content);
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

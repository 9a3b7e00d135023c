import { SpanKind, type Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  type TokenUsage,
  nonEmptyString as str,
} from '@llmtel/core';

/** `ai.operationId` of the AI SDK's legacy span format: one span per provider request, and what it does. */
const LEGACY_REQUEST_OPERATIONS: Readonly<Record<string, { operation: string; streaming: boolean }>> = {
  'ai.generateText.doGenerate': { operation: 'chat', streaming: false },
  'ai.streamText.doStream': { operation: 'chat', streaming: true },
  'ai.generateObject.doGenerate': { operation: 'chat', streaming: false },
  'ai.streamObject.doStream': { operation: 'chat', streaming: true },
  'ai.embed.doEmbed': { operation: 'embeddings', streaming: false },
  'ai.embedMany.doEmbed': { operation: 'embeddings', streaming: false },
};

/** What an AI SDK span is to llmtel. */
export type AiSdkSpanRole =
  /** The span of one provider request: it can own the request's usage. */
  | { kind: 'request'; operation: string; streaming: boolean }
  /**
   * An `@ai-sdk/otel` embeddings CLIENT span: the call's span (`embed`, `embedMany`) or, under it, the span of one
   * of the provider requests it makes. They look alike; the parent tells them apart.
   */
  | { kind: 'embeddings' }
  /** A span over several requests (the call, a step) that may repeat their usage: never billable. */
  | { kind: 'aggregate' };

/**
 * Recognises the AI SDK's spans as they start: the legacy format (`ai.generateText` > `ai.generateText.doGenerate`,
 * with `ai.operationId`) and `@ai-sdk/otel`'s GenAI format (`invoke_agent` > `step N` > `chat <model>` CLIENT).
 */
export function classifySpan(
  name: string,
  kind: SpanKind,
  scopeName: string,
  attributes: Attributes,
  tracerNames: ReadonlySet<string>,
): AiSdkSpanRole | undefined {
  if (!tracerNames.has(scopeName)) return undefined;
  const operationId = attributes['ai.operationId'];
  if (typeof operationId === 'string') {
    const request = LEGACY_REQUEST_OPERATIONS[operationId];
    return request ? { kind: 'request', ...request } : { kind: 'aggregate' };
  }
  if (LEGACY_REQUEST_OPERATIONS[name] !== undefined) return { kind: 'request', ...LEGACY_REQUEST_OPERATIONS[name] };
  const operation = attributes[ATTR_GEN_AI_OPERATION_NAME];
  if (typeof operation !== 'string') return undefined;
  if (kind === SpanKind.CLIENT && operation === 'chat') return { kind: 'request', operation, streaming: false };
  if (kind === SpanKind.CLIENT && operation === 'embeddings') return { kind: 'embeddings' };
  return { kind: 'aggregate' };
}

/**
 * AI SDK provider ids (`openai.chat`, `anthropic.messages`, `google.vertex.chat`, `amazon-bedrock`, ...) →
 * `gen_ai.provider.name`. Longer prefixes first, so `google.vertex` wins over `google`.
 */
const PROVIDER_PREFIXES: readonly [string, string][] = [
  ['google.vertex', 'gcp.vertex_ai'],
  ['google-vertex', 'gcp.vertex_ai'],
  ['google.generative-ai', 'gcp.gemini'],
  ['amazon-bedrock', 'aws.bedrock'],
  ['azure-openai', 'azure.ai.openai'],
  ['azure', 'azure.ai.openai'],
  ['anthropic', 'anthropic'],
  ['openai', 'openai'],
  ['google', 'gcp.gemini'],
  ['mistral', 'mistral_ai'],
  ['cohere', 'cohere'],
  ['groq', 'groq'],
  ['deepseek', 'deepseek'],
  ['perplexity', 'perplexity'],
  ['xai', 'x_ai'],
];

export function providerNameOf(providerId: string): string {
  const lower = providerId.toLowerCase();
  for (const [prefix, name] of PROVIDER_PREFIXES) {
    if (lower === prefix || lower.startsWith(`${prefix}.`) || lower.startsWith(`${prefix}-`)) return name;
  }
  return lower;
}

function num(...values: unknown[]): number | undefined {
  for (const value of values) if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

/** What a request span says about the request, as it starts. */
export function requestOf(attributes: Attributes): { provider: string; model: string } {
  const declared = str(attributes[ATTR_GEN_AI_PROVIDER_NAME]);
  const providerId = str(attributes['ai.model.provider']) ?? str(attributes[ATTR_GEN_AI_SYSTEM]);
  const provider = declared ?? (providerId ? providerNameOf(providerId) : 'ai_sdk');
  const model = str(attributes[ATTR_GEN_AI_REQUEST_MODEL]) ?? str(attributes['ai.model.id']) ?? '';
  return { provider, model };
}

/**
 * Token usage of a request span in the conventions' meaning. The AI SDK (v6 on) counts cache reads and writes in
 * `inputTokens` and reasoning in `outputTokens`, as the conventions do. `@ai-sdk/otel` writes `gen_ai.usage.*`;
 * the legacy format `ai.usage.*` (`promptTokens` / `completionTokens` before v5, `tokens` for embeddings).
 */
export function usageOf(a: Attributes): TokenUsage | undefined {
  const usage: TokenUsage = {};
  const input = num(
    a[ATTR_GEN_AI_USAGE_INPUT_TOKENS],
    a['ai.usage.inputTokens'],
    a['ai.usage.promptTokens'],
    a['ai.usage.tokens'],
  );
  const output = num(a[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS], a['ai.usage.outputTokens'], a['ai.usage.completionTokens']);
  const cacheRead = num(
    a[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS],
    a['ai.usage.inputTokenDetails.cacheReadTokens'],
    a['ai.usage.cachedInputTokens'],
  );
  const cacheWrite = num(
    a[ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS],
    a['ai.usage.inputTokenDetails.cacheWriteTokens'],
  );
  const reasoning = num(
    a[ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS],
    a['ai.usage.outputTokenDetails.reasoningTokens'],
    a['ai.usage.reasoningTokens'],
  );
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  if (cacheRead !== undefined) usage.cacheReadInputTokens = cacheRead;
  if (cacheWrite !== undefined) usage.cacheCreationInputTokens = cacheWrite;
  if (reasoning !== undefined) usage.reasoningOutputTokens = reasoning;
  return input === undefined && output === undefined ? undefined : usage;
}

/** The response attributes of a request span, whichever format wrote them. */
export function responseOf(a: Attributes): { model?: string; id?: string; finishReasons?: string[] } {
  const reasons = a[ATTR_GEN_AI_RESPONSE_FINISH_REASONS];
  const finishReason = str(a['ai.response.finishReason']);
  return {
    model: str(a[ATTR_GEN_AI_RESPONSE_MODEL]) ?? str(a['ai.response.model']),
    id: str(a[ATTR_GEN_AI_RESPONSE_ID]) ?? str(a['ai.response.id']),
    finishReasons:
      Array.isArray(reasons) && reasons.every((r) => typeof r === 'string')
        ? reasons
        : finishReason
          ? [finishReason]
          : undefined,
  };
}

/** The span repeats usage (`gen_ai.usage.*` or `ai.usage.*`) that its request spans own. */
export function carriesUsage(a: Attributes): boolean {
  return Object.keys(a).some((key) => key.startsWith('gen_ai.usage.') || key.startsWith('ai.usage.'));
}

/**
 * Milliseconds from a streamed request's start to its first chunk, as the AI SDK's request span reports it:
 * `@ai-sdk/otel`'s `OpenTelemetry` writes the metric's own name as a span attribute (seconds), the legacy format
 * `ai.response.msToFirstChunk` (`streamText`) or `ai.stream.msToFirstChunk` (`streamObject`), in milliseconds.
 */
export function timeToFirstChunkMsOf(a: Attributes): number | undefined {
  const seconds = num(a[METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK]);
  const ms = num(a['ai.response.msToFirstChunk'], a['ai.stream.msToFirstChunk']);
  const value = seconds !== undefined ? seconds * 1000 : ms;
  return value !== undefined && value >= 0 ? value : undefined;
}

const VERSION = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/**
 * Whether a package version is at least `min` and below the major `belowMajor`. A pre-release of `min` itself is
 * below it, as semver orders them; a pre-release of a later version in the range is in it.
 */
export function isVersionInRange(
  version: unknown,
  min: readonly [number, number, number],
  belowMajor: number,
): boolean {
  if (typeof version !== 'string') return false;
  const match = VERSION.exec(version.trim());
  if (match === null) return false;
  const parts = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (parts[0]! >= belowMajor) return false;
  for (let i = 0; i < 3; i++) {
    if (parts[i]! !== min[i]) return parts[i]! > min[i]!;
  }
  return match[4] === undefined;
}

import { type GenAiResponse, type TokenUsage, isNumber, isObject, nonEmptyString } from '@llmtel/core';
import { candidateMessages } from './messages.js';
import { finishReasonOf } from './utils.js';

/**
 * Token usage of a `GenerateContentResponse.usageMetadata` in the conventions' meaning
 * (https://ai.google.dev/api/generate-content#UsageMetadata):
 * - `promptTokenCount` already includes `cachedContentTokenCount` (the cache reads);
 * - `toolUsePromptTokenCount` (results of server-side tools such as search, fed back to the model) is input the
 *   model read but is not part of `promptTokenCount`, so it is added;
 * - `candidatesTokenCount` excludes `thoughtsTokenCount`, so the output is their sum (thinking is billed as
 *   output: https://ai.google.dev/gemini-api/docs/thinking#pricing).
 *
 * Undefined when the object carries no token counts (Vertex AI streams send `{trafficType}` alone before the last
 * chunk).
 */
export function usageOf(metadata: unknown): TokenUsage | undefined {
  if (!isObject(metadata)) return undefined;
  const prompt = metadata.promptTokenCount;
  const toolUse = metadata.toolUsePromptTokenCount;
  const candidates = metadata.candidatesTokenCount;
  const thoughts = metadata.thoughtsTokenCount;
  const cached = metadata.cachedContentTokenCount;
  if (!isNumber(prompt) && !isNumber(toolUse) && !isNumber(candidates) && !isNumber(thoughts)) return undefined;
  const usage: TokenUsage = {};
  if (isNumber(prompt) || isNumber(toolUse)) usage.inputTokens = count(prompt) + count(toolUse);
  if (isNumber(candidates) || isNumber(thoughts)) usage.outputTokens = count(candidates) + count(thoughts);
  if (isNumber(cached)) usage.cacheReadInputTokens = cached;
  if (isNumber(thoughts)) usage.reasoningOutputTokens = thoughts;
  return usage;
}

function count(value: unknown): number {
  return isNumber(value) ? value : 0;
}

/** `gen_ai.response.finish_reasons`: one per candidate that reported one, in candidate order. */
export function finishReasonsOf(candidates: unknown): string[] {
  const out: string[] = [];
  if (!Array.isArray(candidates)) return out;
  for (const candidate of candidates as unknown[]) {
    const reason = isObject(candidate) ? finishReasonOf(candidate.finishReason) : undefined;
    if (reason !== undefined) out.push(reason);
  }
  return out;
}

/** The text a response's candidates produced, for estimating output tokens when it reports no usage. */
export function candidateTexts(candidates: unknown, into: string[]): void {
  if (!Array.isArray(candidates)) return;
  for (const candidate of candidates as unknown[]) {
    if (!isObject(candidate) || !isObject(candidate.content) || !Array.isArray(candidate.content.parts)) continue;
    for (const part of candidate.content.parts as unknown[]) {
      if (isObject(part) && typeof part.text === 'string' && part.text !== '') into.push(part.text);
    }
  }
}

/** A non-streamed `GenerateContentResponse`. */
export function generateResponse(result: unknown): GenAiResponse {
  if (!isObject(result)) return {};
  const candidates = result.candidates;
  const response: GenAiResponse = {
    responseModel: nonEmptyString(result.modelVersion),
    responseId: nonEmptyString(result.responseId),
    finishReasons: finishReasonsOf(candidates),
    usage: usageOf(result.usageMetadata),
    outputMessages: () => candidateMessages(candidates),
  };
  if (response.usage?.outputTokens === undefined) {
    response.estimateOutputText = () => {
      const texts: string[] = [];
      candidateTexts(candidates, texts);
      return texts.join('');
    };
  }
  return response;
}

/**
 * An `EmbedContentResponse`. Vertex AI reports tokens per embedding (`statistics.tokenCount`, from the `:predict`
 * endpoint) or, for the `:embedContent` endpoint and newer Gemini API answers, in `usageMetadata`; the Gemini API's
 * `batchEmbedContents` reports none, so the input is estimated.
 */
export function embeddingsResponse(result: unknown): GenAiResponse {
  if (!isObject(result)) return {};
  const fromMetadata = usageOf(result.usageMetadata);
  if (fromMetadata?.inputTokens !== undefined) return { usage: { inputTokens: fromMetadata.inputTokens } };
  let total: number | undefined;
  if (Array.isArray(result.embeddings)) {
    for (const embedding of result.embeddings as unknown[]) {
      const stats = isObject(embedding) ? embedding.statistics : undefined;
      if (isObject(stats) && isNumber(stats.tokenCount)) total = (total ?? 0) + stats.tokenCount;
    }
  }
  return total === undefined ? {} : { usage: { inputTokens: total } };
}

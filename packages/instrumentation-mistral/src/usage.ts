import { type TokenUsage, firstNumber, firstObject, isObject } from '@llmtel/core';

/**
 * Token usage of a chat, FIM or embeddings response, in the conventions' meaning.
 *
 * `prompt_tokens` includes the prompt-cache hits, which the API reports as `prompt_tokens_details.cached_tokens`
 * (https://docs.mistral.ai/studio-api/conversations/advanced/prompt-caching). The SDK parses its own usage fields to
 * camelCase and passes unknown ones through as sent, so both spellings are read. Embeddings have no output: the
 * SDK fills a missing `completion_tokens` with 0, which is not a count the API made.
 */
export function usageOf(usage: unknown, embeddings = false): TokenUsage | undefined {
  if (!isObject(usage)) return undefined;
  const out: TokenUsage = {};
  const input = firstNumber(usage, 'promptTokens', 'prompt_tokens');
  if (input !== undefined) out.inputTokens = input;
  if (!embeddings) {
    const output = firstNumber(usage, 'completionTokens', 'completion_tokens');
    if (output !== undefined) out.outputTokens = output;
  }
  const details = firstObject(
    usage,
    'promptTokensDetails',
    'prompt_tokens_details',
    'promptTokenDetails',
    'prompt_token_details',
  );
  const cached =
    (details && firstNumber(details, 'cachedTokens', 'cached_tokens')) ??
    firstNumber(usage, 'numCachedTokens', 'num_cached_tokens');
  if (cached !== undefined && cached > 0) out.cacheReadInputTokens = cached;
  const completionDetails = firstObject(usage, 'completionTokensDetails', 'completion_tokens_details');
  const reasoning = completionDetails && firstNumber(completionDetails, 'reasoningTokens', 'reasoning_tokens');
  if (reasoning !== undefined && reasoning > 0) out.reasoningOutputTokens = reasoning;
  return out.inputTokens === undefined && out.outputTokens === undefined ? undefined : out;
}

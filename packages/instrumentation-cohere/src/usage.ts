import { type TokenUsage, firstNumber, firstObject, isObject } from '@llmtel/core';

/**
 * Token usage of a v2 chat response, a `message-end` event or an embed response's `meta`, in the conventions'
 * meaning.
 *
 * Cohere reports two sets of counts: `billed_units` (what the request is billed for) and `tokens` (everything the
 * model processed, including the tokens Cohere adds itself, which are not billed;
 * https://docs.cohere.com/docs/how-does-cohere-pricing-work). The billed units are reported, so that the counts and
 * the cost agree with the invoice; `tokens` is only used when a response has no billed units. `cached_tokens` ("prompt
 * tokens that hit the inference cache") becomes the cache-read count when it fits inside the reported input. An embed
 * request's image tokens are input too.
 *
 * The SDK hands these over in camelCase (`billedUnits.inputTokens`); snake_case is read as well, for responses parsed
 * with unknown keys passed through.
 */
export function usageOf(usage: unknown, embeddings = false): TokenUsage | undefined {
  if (!isObject(usage)) return undefined;
  const billed = firstObject(usage, 'billedUnits', 'billed_units');
  const tokens = firstObject(usage, 'tokens');
  const out: TokenUsage = {};
  const billedInput = billed && firstNumber(billed, 'inputTokens', 'input_tokens');
  const imageInput = billed && firstNumber(billed, 'imageTokens', 'image_tokens');
  const input =
    billedInput !== undefined || imageInput !== undefined
      ? (billedInput ?? 0) + (imageInput ?? 0)
      : tokens && firstNumber(tokens, 'inputTokens', 'input_tokens');
  if (input !== undefined) out.inputTokens = input;
  if (!embeddings) {
    const output =
      (billed && firstNumber(billed, 'outputTokens', 'output_tokens')) ??
      (tokens && firstNumber(tokens, 'outputTokens', 'output_tokens'));
    if (output !== undefined) out.outputTokens = output;
  }
  const cached = firstNumber(usage, 'cachedTokens', 'cached_tokens');
  if (cached !== undefined && cached > 0 && input !== undefined && cached <= input) out.cacheReadInputTokens = cached;
  return out.inputTokens === undefined && out.outputTokens === undefined ? undefined : out;
}

import { ANTHROPIC_PRICES } from './prices-anthropic.js';
import { BEDROCK_PRICES } from './prices-bedrock.js';
import { GOOGLE_PRICES } from './prices-google.js';
import { OPENAI_PRICES } from './prices-openai.js';
import { COHERE_PRICES, DEEPSEEK_PRICES, MISTRAL_PRICES, XAI_PRICES } from './prices-others.js';
import type { ModelPrice } from './types.js';

/**
 * The prices llmtel ships with, in USD per 1M tokens, taken from each provider's published pricing page (standard
 * on-demand tier, no batch or flex discounts). Override or extend them with `LLMTEL_PRICING_FILE` or code.
 */
export const DEFAULT_PRICES: readonly ModelPrice[] = Object.freeze([
  ...OPENAI_PRICES,
  ...ANTHROPIC_PRICES,
  ...GOOGLE_PRICES,
  ...BEDROCK_PRICES,
  ...MISTRAL_PRICES,
  ...XAI_PRICES,
  ...DEEPSEEK_PRICES,
  ...COHERE_PRICES,
]);

import { withProvider, type PriceRow } from './price-rows.js';

// `mistral-large-latest` points to Mistral Large 3 (2512); the Large 2 snapshots keep their own price.
const MISTRAL_ROWS: PriceRow[] = [
  { model: 'mistral-large', aliases: ['mistral-large-2512'], input: 0.5, output: 1.5, effectiveFrom: '2025-12-02' },
  { model: 'mistral-large-2411', aliases: ['mistral-large-2407'], input: 2, output: 6, effectiveFrom: '2024-11-18' },
  { model: 'mistral-medium', input: 0.4, output: 2, effectiveFrom: '2025-05-07' },
  { model: 'mistral-small', input: 0.1, output: 0.3, effectiveFrom: '2025-03-17' },
  { model: 'magistral-medium', input: 2, output: 5, effectiveFrom: '2025-06-10' },
  { model: 'magistral-small', input: 0.5, output: 1.5, effectiveFrom: '2025-06-10' },
  { model: 'codestral', input: 0.3, output: 0.9, effectiveFrom: '2025-01-13' },
  { model: 'devstral-medium', input: 0.4, output: 2, effectiveFrom: '2025-07-10' },
  { model: 'devstral-small', input: 0.1, output: 0.3, effectiveFrom: '2025-07-10' },
  { model: 'pixtral-large', input: 2, output: 6, effectiveFrom: '2024-11-18' },
  { model: 'ministral-8b', input: 0.1, output: 0.1, effectiveFrom: '2024-10-16' },
  { model: 'ministral-3b', input: 0.04, output: 0.04, effectiveFrom: '2024-10-16' },
  { model: 'open-mistral-nemo', input: 0.15, output: 0.15, effectiveFrom: '2024-07-18' },
  { model: 'mistral-embed', kind: 'embeddings', input: 0.1, output: 0, effectiveFrom: '2023-12-11' },
  { model: 'codestral-embed', kind: 'embeddings', input: 0.15, output: 0, effectiveFrom: '2025-05-28' },
];

// xAI bills a whole request at the higher rates once its prompt exceeds 128K tokens on Grok 4 models.
const XAI_ROWS: PriceRow[] = [
  {
    model: 'grok-4',
    input: 3,
    output: 15,
    cacheRead: 0.75,
    tiers: [{ aboveInputTokens: 128_000, input: 6, output: 30, cacheRead: 1.5 }],
    effectiveFrom: '2025-07-09',
  },
  {
    model: 'grok-4-1-fast-reasoning',
    aliases: ['grok-4-1-fast-non-reasoning', 'grok-4-1-fast'],
    input: 0.2,
    output: 0.5,
    cacheRead: 0.05,
    tiers: [{ aboveInputTokens: 128_000, input: 0.4, output: 1, cacheRead: 0.05 }],
    effectiveFrom: '2025-11-19',
  },
  {
    model: 'grok-4-fast-reasoning',
    aliases: ['grok-4-fast-non-reasoning', 'grok-4-fast'],
    input: 0.2,
    output: 0.5,
    cacheRead: 0.05,
    tiers: [{ aboveInputTokens: 128_000, input: 0.4, output: 1, cacheRead: 0.05 }],
    effectiveFrom: '2025-09-19',
  },
  { model: 'grok-code-fast-1', input: 0.2, output: 1.5, cacheRead: 0.02, effectiveFrom: '2025-08-28' },
  { model: 'grok-3', input: 3, output: 15, cacheRead: 0.75, effectiveFrom: '2025-04-09' },
  { model: 'grok-3-mini', input: 0.3, output: 0.5, cacheRead: 0.075, effectiveFrom: '2025-04-09' },
];

// DeepSeek's prompt_tokens include prompt_cache_hit_tokens, which are billed at the cache-hit price; both model
// names run DeepSeek-V3.2 since 2025-09-29 and cost the same.
const DEEPSEEK_ROWS: PriceRow[] = [
  { model: 'deepseek-chat', input: 0.28, output: 0.42, cacheRead: 0.028, effectiveFrom: '2025-09-29' },
  { model: 'deepseek-reasoner', input: 0.28, output: 0.42, cacheRead: 0.028, effectiveFrom: '2025-09-29' },
];

// Cohere's own API (the Bedrock rows of the same models are priced apart, in prices-bedrock.ts).
const COHERE_ROWS: PriceRow[] = [
  { model: 'command-a', aliases: ['command-a-03-2025'], input: 2.5, output: 10, effectiveFrom: '2025-03-13' },
  { model: 'command-r-plus-08-2024', input: 2.5, output: 10, effectiveFrom: '2024-08-30' },
  { model: 'command-r-08-2024', input: 0.15, output: 0.6, effectiveFrom: '2024-08-30' },
  { model: 'command-r7b-12-2024', input: 0.0375, output: 0.15, effectiveFrom: '2024-12-13' },
  { model: 'embed-v4.0', kind: 'embeddings', input: 0.12, output: 0, effectiveFrom: '2025-04-15' },
  {
    model: 'embed-english-v3.0',
    aliases: ['embed-multilingual-v3.0', 'embed-english-light-v3.0', 'embed-multilingual-light-v3.0'],
    kind: 'embeddings',
    input: 0.1,
    output: 0,
    effectiveFrom: '2023-11-02',
  },
];

export const COHERE_PRICES = withProvider('cohere', 'https://cohere.com/pricing', COHERE_ROWS);
export const MISTRAL_PRICES = withProvider('mistral_ai', 'https://mistral.ai/pricing#api-pricing', MISTRAL_ROWS);
export const XAI_PRICES = withProvider('x_ai', 'https://docs.x.ai/docs/models', XAI_ROWS);
export const DEEPSEEK_PRICES = withProvider(
  'deepseek',
  'https://api-docs.deepseek.com/quick_start/pricing',
  DEEPSEEK_ROWS,
);

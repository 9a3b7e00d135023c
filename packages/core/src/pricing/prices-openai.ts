import { withProvider, type PriceRow } from './price-rows.js';

// OpenAI counts cached tokens inside prompt_tokens and reasoning tokens inside completion_tokens, which is the
// TokenUsage meaning already; reasoning is billed at the output price, so no row sets `reasoning`.
// GPT-5.4 and GPT-5.5 bill a whole request at 2x input / 1.5x output once its prompt exceeds 272K tokens.
const ROWS: PriceRow[] = [
  {
    model: 'gpt-5.5',
    input: 5,
    cacheRead: 0.5,
    output: 30,
    tiers: [{ aboveInputTokens: 272_000, input: 10, cacheRead: 1, output: 45 }],
    effectiveFrom: '2026-04-23',
  },
  { model: 'gpt-5.5-pro', input: 30, output: 180, effectiveFrom: '2026-04-23' },
  {
    model: 'gpt-5.4',
    input: 2.5,
    cacheRead: 0.25,
    output: 15,
    tiers: [{ aboveInputTokens: 272_000, input: 5, cacheRead: 0.5, output: 22.5 }],
    effectiveFrom: '2026-03-05',
  },
  { model: 'gpt-5.4-pro', input: 30, output: 180, effectiveFrom: '2026-03-05' },
  { model: 'gpt-5.4-mini', input: 0.75, cacheRead: 0.075, output: 4.5, effectiveFrom: '2026-03-17' },
  { model: 'gpt-5.4-nano', input: 0.2, cacheRead: 0.02, output: 1.25, effectiveFrom: '2026-03-17' },
  {
    model: 'gpt-5.2',
    aliases: ['gpt-5.2-chat'],
    input: 1.75,
    cacheRead: 0.175,
    output: 14,
    effectiveFrom: '2025-12-11',
  },
  { model: 'gpt-5.2-pro', input: 21, output: 168, effectiveFrom: '2025-12-11' },
  {
    model: 'gpt-5.1',
    aliases: ['gpt-5.1-chat', 'gpt-5.1-codex', 'gpt-5.1-codex-max'],
    input: 1.25,
    cacheRead: 0.125,
    output: 10,
    effectiveFrom: '2025-11-13',
  },
  { model: 'gpt-5.1-codex-mini', input: 0.25, cacheRead: 0.025, output: 2, effectiveFrom: '2025-11-13' },
  {
    model: 'gpt-5',
    aliases: ['gpt-5-chat', 'gpt-5-codex'],
    input: 1.25,
    cacheRead: 0.125,
    output: 10,
    effectiveFrom: '2025-08-07',
  },
  { model: 'gpt-5-mini', input: 0.25, cacheRead: 0.025, output: 2, effectiveFrom: '2025-08-07' },
  { model: 'gpt-5-nano', input: 0.05, cacheRead: 0.005, output: 0.4, effectiveFrom: '2025-08-07' },
  { model: 'gpt-5-pro', input: 15, output: 120, effectiveFrom: '2025-10-06' },
  { model: 'gpt-4.1', input: 2, cacheRead: 0.5, output: 8, effectiveFrom: '2025-04-14' },
  { model: 'gpt-4.1-mini', input: 0.4, cacheRead: 0.1, output: 1.6, effectiveFrom: '2025-04-14' },
  { model: 'gpt-4.1-nano', input: 0.1, cacheRead: 0.025, output: 0.4, effectiveFrom: '2025-04-14' },
  { model: 'gpt-4o', input: 2.5, cacheRead: 1.25, output: 10, effectiveFrom: '2024-08-06' },
  // The first GPT-4o snapshot kept its launch price and never got cached-input pricing.
  { model: 'gpt-4o-2024-05-13', input: 5, output: 15, effectiveFrom: '2024-05-13' },
  { model: 'chatgpt-4o-latest', input: 5, output: 15, effectiveFrom: '2024-08-14' },
  { model: 'gpt-4o-mini', input: 0.15, cacheRead: 0.075, output: 0.6, effectiveFrom: '2024-07-18' },
  { model: 'o1', aliases: ['o1-preview'], input: 15, cacheRead: 7.5, output: 60, effectiveFrom: '2024-12-17' },
  { model: 'o1-pro', input: 150, output: 600, effectiveFrom: '2025-03-19' },
  { model: 'o1-mini', input: 1.1, cacheRead: 0.55, output: 4.4, effectiveFrom: '2025-01-31' },
  { model: 'o3', input: 2, cacheRead: 0.5, output: 8, effectiveFrom: '2025-06-10' },
  { model: 'o3-pro', input: 20, output: 80, effectiveFrom: '2025-06-10' },
  { model: 'o3-mini', input: 1.1, cacheRead: 0.55, output: 4.4, effectiveFrom: '2025-01-31' },
  { model: 'o4-mini', input: 1.1, cacheRead: 0.275, output: 4.4, effectiveFrom: '2025-04-16' },
  {
    model: 'gpt-4-turbo',
    aliases: ['gpt-4-turbo-preview', 'gpt-4-1106-preview', 'gpt-4-0125-preview'],
    input: 10,
    output: 30,
    effectiveFrom: '2024-04-09',
  },
  { model: 'gpt-4', input: 30, output: 60, effectiveFrom: '2023-03-14' },
  // `gpt-35-turbo` is Azure OpenAI's spelling of the same model.
  { model: 'gpt-3.5-turbo', aliases: ['gpt-35-turbo'], input: 0.5, output: 1.5, effectiveFrom: '2024-01-25' },
  { model: 'gpt-3.5-turbo-1106', input: 1, output: 2, effectiveFrom: '2023-11-06' },
  { model: 'gpt-3.5-turbo-instruct', kind: 'completion', input: 1.5, output: 2, effectiveFrom: '2023-09-18' },
  { model: 'text-embedding-3-small', kind: 'embeddings', input: 0.02, output: 0, effectiveFrom: '2024-01-25' },
  { model: 'text-embedding-3-large', kind: 'embeddings', input: 0.13, output: 0, effectiveFrom: '2024-01-25' },
  { model: 'text-embedding-ada-002', kind: 'embeddings', input: 0.1, output: 0, effectiveFrom: '2022-12-15' },
];

export const OPENAI_PRICES = withProvider('openai', 'https://platform.openai.com/docs/pricing', ROWS);

import { withProvider, type PriceRow } from './price-rows.js';

// Gemini's promptTokenCount includes cachedContentTokenCount; thoughtsTokenCount is reported apart from
// candidatesTokenCount and the instrumentation adds it into outputTokens. GA models bill thinking at the output
// price; the 2.5 Flash previews priced it apart. Pro models bill a whole request at the long-context rates once its
// prompt exceeds 200K tokens. The Gemini API and Vertex AI list the same token prices for these models.
const GEMINI_ROWS: PriceRow[] = [
  {
    model: 'gemini-3-pro-preview',
    input: 2,
    output: 12,
    cacheRead: 0.2,
    tiers: [{ aboveInputTokens: 200_000, input: 4, output: 18, cacheRead: 0.4 }],
    effectiveFrom: '2025-11-18',
  },
  { model: 'gemini-3-flash-preview', input: 0.5, output: 3, cacheRead: 0.05, effectiveFrom: '2025-12-17' },
  {
    model: 'gemini-2.5-pro',
    input: 1.25,
    output: 10,
    cacheRead: 0.125,
    tiers: [{ aboveInputTokens: 200_000, input: 2.5, output: 15, cacheRead: 0.25 }],
    effectiveFrom: '2025-06-17',
  },
  { model: 'gemini-2.5-flash', input: 0.3, output: 2.5, cacheRead: 0.03, effectiveFrom: '2025-06-17' },
  {
    model: 'gemini-2.5-flash-preview-05-20',
    aliases: ['gemini-2.5-flash-preview-04-17'],
    input: 0.15,
    output: 0.6,
    reasoning: 3.5,
    cacheRead: 0.0375,
    effectiveFrom: '2025-04-17',
  },
  { model: 'gemini-2.5-flash-lite', input: 0.1, output: 0.4, cacheRead: 0.01, effectiveFrom: '2025-07-22' },
  { model: 'gemini-2.0-flash', input: 0.1, output: 0.4, cacheRead: 0.025, effectiveFrom: '2025-02-05' },
  { model: 'gemini-2.0-flash-lite', input: 0.075, output: 0.3, effectiveFrom: '2025-02-25' },
  { model: 'gemini-embedding-001', kind: 'embeddings', input: 0.15, output: 0, effectiveFrom: '2025-07-14' },
];

// Vertex AI bills its text-embedding models per input character ($0.025 per 1M characters); converted at the
// 4 characters per token Google documents for its models.
const VERTEX_ONLY_ROWS: PriceRow[] = [
  { model: 'text-embedding-005', kind: 'embeddings', input: 0.1, output: 0, effectiveFrom: '2024-11-18' },
  { model: 'text-embedding-004', kind: 'embeddings', input: 0.1, output: 0, effectiveFrom: '2024-05-14' },
  { model: 'text-multilingual-embedding-002', kind: 'embeddings', input: 0.1, output: 0, effectiveFrom: '2024-05-14' },
];

export const GOOGLE_PRICES = [
  ...withProvider('gcp.gemini', 'https://ai.google.dev/gemini-api/docs/pricing', GEMINI_ROWS),
  ...withProvider('gcp.vertex_ai', 'https://cloud.google.com/vertex-ai/generative-ai/pricing', [
    ...GEMINI_ROWS,
    ...VERTEX_ONLY_ROWS,
  ]),
];

import { ANTHROPIC_ROWS } from './prices-anthropic.js';
import { withProvider, type PriceRow } from './price-rows.js';
import type { PriceTier } from './types.js';

// Bedrock model ids are priced without their region prefix and version suffix (`anthropic.claude-sonnet-4-5`
// for `us.anthropic.claude-sonnet-4-5-20250929-v1:0`); see normalize.ts.

// Claude on Bedrock costs what it costs at Anthropic, except that from Sonnet 4.5 and Haiku 4.5 on, geographic
// (`us.`, `eu.`, `apac.`, …) and in-region endpoints cost 10% more than `global.` cross-region inference.
const REGIONAL_PREMIUM_FROM = new Set([
  'claude-opus-5',
  'claude-sonnet-5',
  'claude-sonnet-4-6',
  'claude-opus-4-6',
  'claude-opus-4-5',
  'claude-haiku-4-5',
  'claude-sonnet-4-5',
]);

const premium = (usd: number | undefined): number | undefined =>
  usd === undefined ? undefined : Math.round(usd * 1.1 * 1e6) / 1e6;

function withPremium(row: PriceRow): PriceRow {
  const tiers = row.tiers?.map((tier): PriceTier => ({
    ...tier,
    input: premium(tier.input) ?? 0,
    output: premium(tier.output) ?? 0,
    cacheRead: premium(tier.cacheRead),
    cacheWrite: premium(tier.cacheWrite),
  }));
  return {
    ...row,
    input: premium(row.input) ?? 0,
    output: premium(row.output) ?? 0,
    cacheRead: premium(row.cacheRead),
    cacheWrite: premium(row.cacheWrite),
    ...(tiers ? { tiers } : {}),
  };
}

// Bedrock's 1-hour cache write price (a TTL it offers for some Claude models since January 2026) is not taken over
// from Anthropic's: it has not been checked against Bedrock's pricing page. Until it is, 1-hour writes there are
// billed at `cacheWrite`; a pricing file can set `cacheWrite1h` for a Bedrock model.
function withoutOneHourWrites(row: PriceRow): PriceRow {
  const { cacheWrite1h: _row, ...rest } = row;
  const tiers = row.tiers?.map(({ cacheWrite1h: _tier, ...tier }): PriceTier => tier);
  return tiers ? { ...rest, tiers } : rest;
}

const CLAUDE_ROWS: PriceRow[] = ANTHROPIC_ROWS.map(withoutOneHourWrites).flatMap((row) => {
  const model = `anthropic.${row.model}`;
  const aliases = row.aliases?.map((alias) => `anthropic.${alias}`);
  const base: PriceRow = { ...row, model, ...(aliases ? { aliases } : {}) };
  if (!REGIONAL_PREMIUM_FROM.has(row.model)) return [base];
  return [
    { ...base, model: `global.${model}`, aliases: aliases?.map((alias) => `global.${alias}`) },
    withPremium(base),
  ];
});

const ROWS: PriceRow[] = [
  { model: 'amazon.nova-premier', input: 2.5, output: 12.5, effectiveFrom: '2025-04-30' },
  { model: 'amazon.nova-pro', input: 0.8, output: 3.2, cacheRead: 0.2, effectiveFrom: '2024-12-03' },
  { model: 'amazon.nova-lite', input: 0.06, output: 0.24, cacheRead: 0.015, effectiveFrom: '2024-12-03' },
  { model: 'amazon.nova-micro', input: 0.035, output: 0.14, cacheRead: 0.00875, effectiveFrom: '2024-12-03' },
  { model: 'amazon.titan-text-premier', input: 0.5, output: 1.5, effectiveFrom: '2024-05-07' },
  { model: 'amazon.titan-text-express', input: 0.2, output: 0.6, effectiveFrom: '2023-09-28' },
  { model: 'amazon.titan-text-lite', input: 0.15, output: 0.2, effectiveFrom: '2023-09-28' },
  { model: 'amazon.titan-embed-text-v1', kind: 'embeddings', input: 0.1, output: 0, effectiveFrom: '2023-09-28' },
  { model: 'amazon.titan-embed-text-v2', kind: 'embeddings', input: 0.02, output: 0, effectiveFrom: '2024-04-30' },
  { model: 'meta.llama4-maverick-17b-instruct', input: 0.24, output: 0.97, effectiveFrom: '2025-04-28' },
  { model: 'meta.llama4-scout-17b-instruct', input: 0.17, output: 0.66, effectiveFrom: '2025-04-28' },
  { model: 'meta.llama3-3-70b-instruct', input: 0.72, output: 0.72, effectiveFrom: '2024-12-19' },
  { model: 'meta.llama3-2-90b-instruct', input: 0.72, output: 0.72, effectiveFrom: '2024-09-25' },
  { model: 'meta.llama3-2-11b-instruct', input: 0.16, output: 0.16, effectiveFrom: '2024-09-25' },
  { model: 'meta.llama3-2-3b-instruct', input: 0.15, output: 0.15, effectiveFrom: '2024-09-25' },
  { model: 'meta.llama3-2-1b-instruct', input: 0.1, output: 0.1, effectiveFrom: '2024-09-25' },
  { model: 'meta.llama3-1-405b-instruct', input: 2.4, output: 2.4, effectiveFrom: '2024-12-01' },
  { model: 'meta.llama3-1-70b-instruct', input: 0.72, output: 0.72, effectiveFrom: '2024-12-01' },
  { model: 'meta.llama3-1-8b-instruct', input: 0.22, output: 0.22, effectiveFrom: '2024-07-23' },
  { model: 'meta.llama3-70b-instruct', input: 2.65, output: 3.5, effectiveFrom: '2024-04-23' },
  { model: 'meta.llama3-8b-instruct', input: 0.3, output: 0.6, effectiveFrom: '2024-04-23' },
  { model: 'mistral.pixtral-large-2502', input: 2, output: 6, effectiveFrom: '2025-04-08' },
  { model: 'mistral.mistral-large-2407', input: 2, output: 6, effectiveFrom: '2024-07-24' },
  { model: 'mistral.mistral-large-2402', input: 4, output: 12, effectiveFrom: '2024-04-02' },
  { model: 'mistral.mistral-small-2402', input: 1, output: 3, effectiveFrom: '2024-05-23' },
  { model: 'mistral.mixtral-8x7b-instruct', input: 0.45, output: 0.7, effectiveFrom: '2024-03-01' },
  { model: 'mistral.mistral-7b-instruct', input: 0.15, output: 0.2, effectiveFrom: '2024-03-01' },
  { model: 'cohere.command-r-plus', input: 3, output: 15, effectiveFrom: '2024-04-30' },
  { model: 'cohere.command-r', input: 0.5, output: 1.5, effectiveFrom: '2024-04-30' },
  { model: 'cohere.command-text', input: 1.5, output: 2, effectiveFrom: '2023-11-13' },
  { model: 'cohere.command-light-text', input: 0.3, output: 0.6, effectiveFrom: '2023-11-13' },
  { model: 'cohere.embed-english-v3', kind: 'embeddings', input: 0.1, output: 0, effectiveFrom: '2023-11-13' },
  { model: 'cohere.embed-multilingual-v3', kind: 'embeddings', input: 0.1, output: 0, effectiveFrom: '2023-11-13' },
  { model: 'deepseek.r1', input: 1.35, output: 5.4, effectiveFrom: '2025-03-10' },
];

export const BEDROCK_PRICES = withProvider('aws.bedrock', 'https://aws.amazon.com/bedrock/pricing/', [
  ...CLAUDE_ROWS,
  ...ROWS,
]);

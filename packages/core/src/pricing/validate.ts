import type { ModelPrice, PriceTier } from './types.js';

const PRICE_FIELDS = ['input', 'output', 'cacheRead', 'cacheWrite', 'cacheWrite1h', 'reasoning'] as const;
const ENTRY_FIELDS = new Set([
  'provider',
  'model',
  'aliases',
  'kind',
  ...PRICE_FIELDS,
  'tiers',
  'effectiveFrom',
  'source',
]);
const TIER_FIELDS = new Set(['aboveInputTokens', ...PRICE_FIELDS]);
const KINDS = new Set(['chat', 'embeddings', 'completion']);
/** Spellings other tools use, named in the error so that a file written for them is quick to fix. */
const DID_YOU_MEAN: Readonly<Record<string, string>> = {
  cache_read: 'cacheRead',
  cached_input: 'cacheRead',
  cache_write: 'cacheWrite',
  cache_creation: 'cacheWrite',
  cache_write_1h: 'cacheWrite1h',
  cache_creation_1h: 'cacheWrite1h',
  effective_from: 'effectiveFrom',
  above_input_tokens: 'aboveInputTokens',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describe = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : String(value));

/** True for `YYYY-MM-DD` or a full ISO 8601 timestamp naming a real calendar date. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/.test(value)) return false;
  const day = value.slice(0, 10);
  const parsed = new Date(`${day}T00:00:00Z`);
  return (
    !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day && !Number.isNaN(Date.parse(value))
  );
}

function checkUnknownFields(record: Record<string, unknown>, allowed: Set<string>, fail: (msg: string) => never): void {
  for (const field of Object.keys(record)) {
    if (allowed.has(field)) continue;
    const hint = DID_YOU_MEAN[field];
    fail(`unknown field "${field}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
}

function checkPrice(record: Record<string, unknown>, field: string, required: boolean, fail: (msg: string) => never) {
  const value = record[field];
  if (value === undefined) {
    if (required) fail(`field "${field}" is required (USD per 1M tokens)`);
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(`field "${field}" must be a finite number >= 0 (USD per 1M tokens), got ${describe(value)}`);
  }
}

function validateTier(value: unknown, where: string, fail: (msg: string) => never): PriceTier {
  const failTier = (msg: string): never => fail(`${where}: ${msg}`);
  if (!isRecord(value)) return failTier(`must be an object, got ${describe(value)}`);
  checkUnknownFields(value, TIER_FIELDS, failTier);
  const above = value.aboveInputTokens;
  if (typeof above !== 'number' || !Number.isInteger(above) || above < 0) {
    failTier(`field "aboveInputTokens" must be an integer >= 0, got ${describe(above)}`);
  }
  for (const field of PRICE_FIELDS) checkPrice(value, field, field === 'input' || field === 'output', failTier);
  return value as unknown as PriceTier;
}

function validateEntry(value: unknown, index: number, origin: string): ModelPrice {
  const model = isRecord(value) && typeof value.model === 'string' ? ` (${String(value.provider)}/${value.model})` : '';
  const fail = (msg: string): never => {
    throw new Error(`${origin}: entry ${index}${model}: ${msg}`);
  };
  if (!isRecord(value)) return fail(`must be an object, got ${describe(value)}`);
  checkUnknownFields(value, ENTRY_FIELDS, fail);
  for (const field of ['provider', 'model'] as const) {
    const text = value[field];
    if (typeof text !== 'string' || text.trim() === '') fail(`field "${field}" must be a non-empty string`);
  }
  const aliases = value.aliases;
  if (aliases !== undefined && (!Array.isArray(aliases) || aliases.some((a) => typeof a !== 'string' || a === ''))) {
    fail('field "aliases" must be a list of non-empty strings');
  }
  if (value.kind !== undefined && !KINDS.has(value.kind as string)) {
    fail(`field "kind" must be one of chat, embeddings, completion, got ${describe(value.kind)}`);
  }
  for (const field of PRICE_FIELDS) checkPrice(value, field, field === 'input' || field === 'output', fail);
  if (value.tiers !== undefined) {
    if (!Array.isArray(value.tiers)) fail('field "tiers" must be a list');
    (value.tiers as unknown[]).forEach((tier, i) => validateTier(tier, `tiers[${i}]`, fail));
  }
  const effectiveFrom = value.effectiveFrom;
  if (typeof effectiveFrom !== 'string' || !isIsoDate(effectiveFrom)) {
    fail(`field "effectiveFrom" must be an ISO 8601 date such as "2025-08-07", got ${describe(effectiveFrom)}`);
  }
  if (value.source !== undefined && typeof value.source !== 'string') fail('field "source" must be a string');
  return structuredClone(value) as unknown as ModelPrice;
}

/**
 * Checks a list of price entries as read from a file or passed in code. Throws an Error naming `origin`, the entry's
 * index, its provider/model and the offending field.
 */
export function validatePrices(value: unknown, origin: string): ModelPrice[] {
  if (!Array.isArray(value)) throw new Error(`${origin}: expected a list of model prices, got ${describe(value)}`);
  return value.map((entry, index) => validateEntry(entry, index, origin));
}

import { diag } from '@opentelemetry/api';
import { processSingleton } from '../global.js';
import type { TokenUsage } from '../types.js';
import { canonicalModelSpelling, modelNameCandidates, normalizeModelName } from './normalize.js';
import { DEFAULT_PRICES } from './prices.js';
import type { ModelPrice, PriceTier } from './types.js';

/**
 * Providers that resell another provider's models at the owner's price: try the owner's prices when the
 * provider has no row of its own. Values of the deprecated `gen_ai.system` are mapped too.
 */
const PROVIDER_FALLBACK: Readonly<Record<string, string>> = {
  'azure.ai.openai': 'openai',
  'az.ai.openai': 'openai',
  'gcp.gen_ai': 'gcp.gemini',
  gemini: 'gcp.gemini',
  vertex_ai: 'gcp.vertex_ai',
  xai: 'x_ai',
  mistral: 'mistral_ai',
  bedrock: 'aws.bedrock',
};

/**
 * When a provider has no price for a model (an OpenAI-compatible gateway, OpenRouter's `anthropic/claude-…`), the
 * model is looked up across all providers; the model's owner wins over resellers.
 */
const OWNER_RANK: readonly string[] = [
  'openai',
  'anthropic',
  'gcp.gemini',
  'mistral_ai',
  'x_ai',
  'deepseek',
  'cohere',
  'gcp.vertex_ai',
  'aws.bedrock',
];

/** Bound on the memo of raw (provider, model) lookups; ids come from responses, so their number is not ours. */
const LOOKUP_MEMO_LIMIT = 1_000;
/** Bound on the process-wide set of models already warned about. */
const WARNED_LIMIT = 1_000;

const SEPARATOR = '\u0000';

function identity(entry: ModelPrice): string {
  return entry.provider.trim().toLowerCase() + SEPARATOR + canonicalModelSpelling(entry.model);
}

function namesOf(entry: ModelPrice): string[] {
  return [entry.model, ...(entry.aliases ?? [])].map(canonicalModelSpelling);
}

function ownerRank(provider: string): number {
  const rank = OWNER_RANK.indexOf(provider);
  return rank === -1 ? OWNER_RANK.length : rank;
}

/**
 * Model prices with fast lookup by provider and any spelling of the model id.
 *
 * Build one at start-up (`PricingTable.defaults()`, or `resolvePricingTable()` to apply `LLMTEL_PRICING_FILE`);
 * lookups are then Map reads, memoised per raw (provider, model) pair.
 */
export class PricingTable {
  readonly entries: readonly ModelPrice[];
  private readonly byProvider = new Map<string, ModelPrice>();
  private readonly byModel = new Map<string, ModelPrice>();
  /** provider → raw model id → price (null: unknown). Nested so a hit hashes the caller's own strings, no concat. */
  private readonly memo = new Map<string, Map<string, ModelPrice | null>>();
  private memoSize = 0;

  constructor(entries: readonly ModelPrice[]) {
    this.entries = Object.freeze([...entries]);
    this.index();
  }

  /** The prices shipped with llmtel. */
  static defaults(): PricingTable {
    defaultTable ??= new PricingTable(DEFAULT_PRICES);
    return defaultTable;
  }

  /** A new table with `entries` added; an entry with the same provider and model as an existing one replaces it. */
  withEntries(entries: readonly ModelPrice[]): PricingTable {
    const merged = new Map<string, ModelPrice>();
    for (const entry of this.entries) merged.set(identity(entry), entry);
    for (const entry of entries) {
      const key = identity(entry);
      merged.delete(key);
      merged.set(key, entry);
    }
    return new PricingTable([...merged.values()]);
  }

  /**
   * The price of `model` at `provider`, or undefined when neither the provider nor the model's owner lists it.
   * The exact id is tried first (some snapshots have their own price), then ever more normalised forms.
   */
  lookup(provider: string, model: string): ModelPrice | undefined {
    let byModel = this.memo.get(provider);
    const memoised = byModel?.get(model);
    if (memoised !== undefined) return memoised ?? undefined;
    const found = this.resolve(provider, model);
    if (this.memoSize >= LOOKUP_MEMO_LIMIT) {
      this.memo.clear();
      this.memoSize = 0;
      byModel = undefined;
    }
    if (byModel === undefined) {
      byModel = new Map();
      this.memo.set(provider, byModel);
    }
    byModel.set(model, found ?? null);
    this.memoSize++;
    return found;
  }

  /**
   * The cost of one call in USD, or undefined when the model's price is unknown (warned once per provider and model
   * for the life of the process) or the usage has no token counts. Never a made-up 0.
   */
  cost(provider: string, model: string, usage: TokenUsage): number | undefined {
    const price = this.lookup(provider, model);
    if (price === undefined) {
      warnUnknownModelOnce(provider, model);
      return undefined;
    }
    return computeCost(price, usage);
  }

  private resolve(provider: string, model: string): ModelPrice | undefined {
    const candidates = modelNameCandidates(model);
    const own = provider.trim().toLowerCase();
    const owner = PROVIDER_FALLBACK[own];
    for (const name of candidates) {
      const hit = this.byProvider.get(own + SEPARATOR + name);
      if (hit) return hit;
    }
    if (owner !== undefined) {
      for (const name of candidates) {
        const hit = this.byProvider.get(owner + SEPARATOR + name);
        if (hit) return hit;
      }
    }
    for (const name of candidates) {
      const hit = this.byModel.get(name);
      if (hit) return hit;
    }
    return undefined;
  }

  private index(): void {
    // Exact names first; normalised names only where no entry has that exact name, later entries winning.
    const exact = new Set<string>();
    for (const entry of this.entries) {
      const provider = entry.provider.trim().toLowerCase();
      for (const name of namesOf(entry)) {
        exact.add(provider + SEPARATOR + name);
        this.byProvider.set(provider + SEPARATOR + name, entry);
      }
    }
    for (const entry of this.entries) {
      const provider = entry.provider.trim().toLowerCase();
      for (const name of namesOf(entry)) {
        const key = provider + SEPARATOR + normalizeModelName(name);
        if (!exact.has(key)) this.byProvider.set(key, entry);
      }
    }
    const owners = [...this.entries].sort(
      (a, b) => ownerRank(a.provider.trim().toLowerCase()) - ownerRank(b.provider.trim().toLowerCase()),
    );
    const looseNames = (entry: ModelPrice): string[] =>
      namesOf(entry).flatMap((name) => {
        const normalized = normalizeModelName(name);
        const candidates = modelNameCandidates(normalized);
        return [normalized, candidates[candidates.length - 1] ?? normalized];
      });
    for (const names of [namesOf, looseNames]) {
      for (const entry of owners) {
        for (const name of names(entry)) {
          if (!this.byModel.has(name)) this.byModel.set(name, entry);
        }
      }
    }
  }
}

let defaultTable: PricingTable | undefined;

function selectTier(price: ModelPrice, inputTokens: number): PriceTier | undefined {
  let selected: PriceTier | undefined;
  for (const tier of price.tiers ?? []) {
    if (inputTokens > tier.aboveInputTokens && (!selected || tier.aboveInputTokens > selected.aboveInputTokens)) {
      selected = tier;
    }
  }
  return selected;
}

const count = (value: number | undefined): number =>
  value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;

/**
 * The cost in USD of `usage` at `price`. Token counts follow the conventions: `inputTokens` includes cache reads
 * and writes, `outputTokens` includes reasoning; `cacheCreation1hInputTokens` is the part of the cache writes billed
 * at the 1-hour write price. Undefined when the usage carries neither input nor output counts.
 */
export function computeCost(price: ModelPrice, usage: TokenUsage): number | undefined {
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) return undefined;
  const input = count(usage.inputTokens);
  const output = count(usage.outputTokens);
  const cacheRead = count(usage.cacheReadInputTokens);
  const cacheWrite = count(usage.cacheCreationInputTokens);
  const cacheWrite1h = Math.min(count(usage.cacheCreation1hInputTokens), cacheWrite);
  const reasoning = count(usage.reasoningOutputTokens);
  const rates: PriceTier | ModelPrice = selectTier(price, input) ?? price;
  const uncachedInput = Math.max(0, input - cacheRead - cacheWrite);
  const visibleOutput = Math.max(0, output - reasoning);
  const cacheWriteRate = rates.cacheWrite ?? rates.input;
  const micros =
    uncachedInput * rates.input +
    cacheRead * (rates.cacheRead ?? rates.input) +
    (cacheWrite - cacheWrite1h) * cacheWriteRate +
    cacheWrite1h * (rates.cacheWrite1h ?? cacheWriteRate) +
    visibleOutput * rates.output +
    reasoning * (rates.reasoning ?? rates.output);
  return micros / 1e6;
}

function warnUnknownModelOnce(provider: string, model: string): void {
  const warned = processSingleton('pricing.warnedUnknownModels', () => new Set<string>());
  const key = provider + SEPARATOR + model;
  if (warned.has(key) || warned.size >= WARNED_LIMIT) return;
  warned.add(key);
  diag.warn(
    `llmtel: no price known for model "${model}" of provider "${provider}"; its calls get no cost. ` +
      'Add the price with LLMTEL_PRICING_FILE, or pass a PricingTable with it (the pricing option).',
  );
}

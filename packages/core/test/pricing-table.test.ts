import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PricingTable, resolvePricingTable, type ModelPrice } from '@llmtel/core';

const entries = PricingTable.defaults().entries;
const PRICE_FIELDS = ['input', 'output', 'cacheRead', 'cacheWrite', 'cacheWrite1h', 'reasoning'] as const;
const label = (entry: ModelPrice): string => `${entry.provider}/${entry.model}`;

describe('the shipped pricing table', () => {
  it('passes the same validation as a user-supplied price list', () => {
    assert.doesNotThrow(() => resolvePricingTable({ prices: [...entries] }, {}));
  });

  it('gives every entry a provider, a model, finite non-negative prices and a past ISO effectiveFrom', () => {
    for (const entry of entries) {
      assert.ok(entry.provider.length > 0 && entry.model.length > 0, label(entry));
      for (const field of PRICE_FIELDS) {
        const value = entry[field];
        if (field === 'input' || field === 'output') assert.equal(typeof value, 'number', `${label(entry)} ${field}`);
        if (value !== undefined) assert.ok(Number.isFinite(value) && value >= 0, `${label(entry)} ${field}=${value}`);
      }
      assert.match(entry.effectiveFrom, /^\d{4}-\d{2}-\d{2}$/, label(entry));
      const date = new Date(`${entry.effectiveFrom}T00:00:00Z`);
      assert.equal(date.toISOString().slice(0, 10), entry.effectiveFrom, `${label(entry)} is a real date`);
      assert.ok(date.getTime() <= Date.now(), `${label(entry)} effectiveFrom is not in the future`);
      assert.match(entry.source ?? '', /^https:\/\/[a-z0-9.-]+\//, `${label(entry)} names its pricing page`);
    }
  });

  it('never prices cache reads above fresh input, and bills output of chat models', () => {
    for (const entry of entries) {
      if (entry.cacheRead !== undefined) assert.ok(entry.cacheRead <= entry.input, label(entry));
      if (entry.kind === 'embeddings') assert.equal(entry.output, 0, label(entry));
      else assert.ok(entry.output > 0, label(entry));
    }
  });

  it('gives each tier a positive threshold, higher prices, and the same price classes as its base', () => {
    const tiered = entries.filter((entry) => entry.tiers !== undefined);
    assert.ok(tiered.length >= 8, 'long-context tiers are present');
    for (const entry of tiered) {
      for (const tier of entry.tiers ?? []) {
        assert.ok(Number.isInteger(tier.aboveInputTokens) && tier.aboveInputTokens > 0, label(entry));
        assert.ok(tier.input >= entry.input && tier.output >= entry.output, `${label(entry)} tier costs more`);
        for (const field of ['cacheRead', 'cacheWrite', 'cacheWrite1h', 'reasoning'] as const) {
          assert.equal(tier[field] === undefined, entry[field] === undefined, `${label(entry)} tier ${field}`);
        }
      }
    }
  });

  it('claims each model name (model or alias) at most once per provider', () => {
    const seen = new Map<string, string>();
    for (const entry of entries) {
      for (const name of [entry.model, ...(entry.aliases ?? [])]) {
        const key = `${entry.provider}/${name.toLowerCase()}`;
        assert.ok(!seen.has(key), `${key} is listed by ${seen.get(key)} and ${label(entry)}`);
        seen.set(key, label(entry));
      }
    }
  });

  it('covers OpenAI, Anthropic, Google (Gemini API and Vertex AI), Bedrock, Mistral, xAI and DeepSeek', () => {
    const providers = new Set(entries.map((entry) => entry.provider));
    for (const provider of [
      'openai',
      'anthropic',
      'gcp.gemini',
      'gcp.vertex_ai',
      'aws.bedrock',
      'mistral_ai',
      'x_ai',
      'deepseek',
    ]) {
      assert.ok(providers.has(provider), provider);
    }
  });

  it('prices embeddings models of every provider that sells them', () => {
    const embeddings = (provider: string) =>
      entries.filter((entry) => entry.provider === provider && entry.kind === 'embeddings').map((entry) => entry.model);
    assert.deepEqual(embeddings('openai').sort(), [
      'text-embedding-3-large',
      'text-embedding-3-small',
      'text-embedding-ada-002',
    ]);
    assert.ok(embeddings('gcp.gemini').includes('gemini-embedding-001'));
    for (const model of ['gemini-embedding-001', 'text-embedding-004', 'text-embedding-005']) {
      assert.ok(embeddings('gcp.vertex_ai').includes(model), model);
    }
    for (const model of ['amazon.titan-embed-text-v2', 'cohere.embed-english-v3']) {
      assert.ok(embeddings('aws.bedrock').includes(model), model);
    }
    assert.ok(embeddings('mistral_ai').includes('mistral-embed'));
  });

  it('knows the current models of each provider under the ids their APIs use', () => {
    const table = PricingTable.defaults();
    const expected: Array<[string, string, string]> = [
      ['openai', 'gpt-5', 'gpt-5'],
      ['openai', 'gpt-5-mini-2025-08-07', 'gpt-5-mini'],
      ['openai', 'gpt-5-nano', 'gpt-5-nano'],
      ['openai', 'gpt-4.1-2025-04-14', 'gpt-4.1'],
      ['openai', 'gpt-4.1-mini', 'gpt-4.1-mini'],
      ['openai', 'gpt-4.1-nano', 'gpt-4.1-nano'],
      ['openai', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
      ['openai', 'o1-2024-12-17', 'o1'],
      ['openai', 'o3-2025-04-16', 'o3'],
      ['openai', 'o3-mini-2025-01-31', 'o3-mini'],
      ['openai', 'o4-mini-2025-04-16', 'o4-mini'],
      ['anthropic', 'claude-opus-4-1-20250805', 'claude-opus-4-1'],
      ['anthropic', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
      ['anthropic', 'claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
      ['anthropic', 'claude-sonnet-4-20250514', 'claude-sonnet-4'],
      ['anthropic', 'claude-3-7-sonnet-20250219', 'claude-3-7-sonnet'],
      ['anthropic', 'claude-3-5-haiku-20241022', 'claude-3-5-haiku'],
      ['gcp.gemini', 'gemini-2.5-pro', 'gemini-2.5-pro'],
      ['gcp.vertex_ai', 'gemini-2.5-flash', 'gemini-2.5-flash'],
      ['gcp.vertex_ai', 'gemini-2.5-flash-lite', 'gemini-2.5-flash-lite'],
      ['gcp.vertex_ai', 'gemini-2.0-flash-001', 'gemini-2.0-flash'],
      ['aws.bedrock', 'amazon.nova-micro-v1:0', 'amazon.nova-micro'],
      ['aws.bedrock', 'amazon.titan-text-express-v1', 'amazon.titan-text-express'],
      ['aws.bedrock', 'meta.llama3-1-70b-instruct-v1:0', 'meta.llama3-1-70b-instruct'],
      ['aws.bedrock', 'mistral.mistral-large-2407-v1:0', 'mistral.mistral-large-2407'],
      ['aws.bedrock', 'cohere.command-r-plus-v1:0', 'cohere.command-r-plus'],
      ['aws.bedrock', 'cohere.embed-multilingual-v3', 'cohere.embed-multilingual-v3'],
      ['mistral_ai', 'mistral-medium-2508', 'mistral-medium'],
      ['mistral_ai', 'mistral-small-latest', 'mistral-small'],
      ['mistral_ai', 'codestral-latest', 'codestral'],
      ['x_ai', 'grok-3-mini', 'grok-3-mini'],
      ['deepseek', 'deepseek-reasoner', 'deepseek-reasoner'],
    ];
    for (const [provider, model, priced] of expected) {
      assert.equal(table.lookup(provider, model)?.model, priced, `${provider} ${model}`);
    }
  });
});

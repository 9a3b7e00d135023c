import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeModelName, PricingTable } from '@llmtel/core';

describe('normalizeModelName', () => {
  const cases: Array<[string, string]> = [
    // dated snapshots and aliases
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['gpt-4-0613', 'gpt-4'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-3-5-sonnet-latest', 'claude-3-5-sonnet'],
    ['grok-4-0709', 'grok-4'],
    ['mistral-large-2411', 'mistral-large'],
    ['GPT-4.1-Mini', 'gpt-4.1-mini'],
    // Gemini API and Vertex AI
    ['models/gemini-2.5-flash', 'gemini-2.5-flash'],
    ['gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['gemini-2.5-flash-preview-05-20', 'gemini-2.5-flash'],
    ['gemini-2.5-flash-lite-preview-09-2025', 'gemini-2.5-flash-lite'],
    ['projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro', 'gemini-2.5-pro'],
    ['claude-opus-4-1@20250805', 'claude-opus-4-1'],
    // Bedrock model ids, inference profiles and ARNs
    ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-5-sonnet'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5'],
    ['eu.amazon.nova-pro-v1:0', 'amazon.nova-pro'],
    ['apac.anthropic.claude-3-haiku-20240307-v1:0', 'anthropic.claude-3-haiku'],
    ['global.anthropic.claude-haiku-4-5-20251001-v1:0', 'anthropic.claude-haiku-4-5'],
    ['us-gov.anthropic.claude-3-7-sonnet-20250219-v1:0', 'anthropic.claude-3-7-sonnet'],
    ['amazon.titan-text-lite-v1', 'amazon.titan-text-lite'],
    ['meta.llama3-1-70b-instruct-v1:0', 'meta.llama3-1-70b-instruct'],
    [
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-1-20250805-v1:0',
      'anthropic.claude-opus-4-1',
    ],
    ['arn:aws:bedrock:us-west-2::foundation-model/amazon.titan-embed-text-v2:0', 'amazon.titan-embed-text'],
    // gateways
    ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['anthropic/claude-3.5-haiku', 'claude-3-5-haiku'],
    ['openai/gpt-4.1', 'gpt-4.1'],
    ['claude-sonnet-4-5-20250929[1m]', 'claude-sonnet-4-5'],
    // nothing to strip
    ['gpt-4.1', 'gpt-4.1'],
    ['o3', 'o3'],
    ['text-embedding-3-small', 'text-embedding-3-small'],
  ];
  for (const [raw, normalized] of cases) {
    it(`${raw} → ${normalized}`, () => assert.equal(normalizeModelName(raw), normalized));
  }
});

describe('PricingTable.lookup by model spelling', () => {
  const table = PricingTable.defaults();
  const priceOf = (provider: string, model: string) => {
    const price = table.lookup(provider, model);
    return price && { model: price.model, input: price.input, output: price.output };
  };

  it('prefers a dated snapshot that has a price of its own over its model', () => {
    assert.deepEqual(priceOf('openai', 'gpt-4o-2024-05-13'), { model: 'gpt-4o-2024-05-13', input: 5, output: 15 });
    assert.deepEqual(priceOf('openai', 'gpt-4o-2024-08-06'), { model: 'gpt-4o', input: 2.5, output: 10 });
    assert.deepEqual(priceOf('openai', 'gpt-4-1106-preview'), { model: 'gpt-4-turbo', input: 10, output: 30 });
    assert.deepEqual(priceOf('mistral_ai', 'mistral-large-2411'), { model: 'mistral-large-2411', input: 2, output: 6 });
    assert.deepEqual(priceOf('mistral_ai', 'mistral-large-latest'), {
      model: 'mistral-large',
      input: 0.5,
      output: 1.5,
    });
  });

  it('keeps Bedrock versions that change the price apart', () => {
    assert.equal(table.lookup('aws.bedrock', 'amazon.titan-embed-text-v1')?.input, 0.1);
    assert.equal(table.lookup('aws.bedrock', 'amazon.titan-embed-text-v2:0')?.input, 0.02);
    assert.equal(table.lookup('aws.bedrock', 'mistral.mistral-small-2402-v1:0')?.input, 1);
  });

  it('finds Bedrock models by ARN, inference profile and plain id', () => {
    const arn = 'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0';
    assert.equal(table.lookup('aws.bedrock', arn)?.model, 'anthropic.claude-haiku-4-5');
    const global = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';
    assert.equal(table.lookup('aws.bedrock', global)?.model, 'global.anthropic.claude-haiku-4-5');
    assert.equal(table.lookup('aws.bedrock', 'cohere.command-r-v1:0')?.model, 'cohere.command-r');
  });

  it("finds Claude on Vertex AI and gateways under Anthropic's price", () => {
    assert.equal(table.lookup('gcp.vertex_ai', 'claude-sonnet-4-5@20250929')?.provider, 'anthropic');
    assert.equal(table.lookup('openrouter', 'anthropic/claude-3.7-sonnet')?.model, 'claude-3-7-sonnet');
  });

  it('answers repeated lookups of one raw name with the same entry', () => {
    const first = table.lookup('gcp.gemini', 'models/gemini-2.5-flash');
    assert.ok(first);
    assert.equal(table.lookup('gcp.gemini', 'models/gemini-2.5-flash'), first);
    assert.equal(table.lookup('gcp.gen_ai', 'gemini-2.5-flash')?.provider, 'gcp.gemini');
  });

  it('does not guess prices for models that only look alike', () => {
    // Fine-tuned models, free gateway variants and unknown ids have prices of their own or none.
    for (const model of ['ft:gpt-4o-mini-2024-07-18:acme::abc123', 'google/gemini-2.0-flash-exp:free', 'gpt-4-32k']) {
      assert.equal(table.lookup('openai', model), undefined, model);
    }
    assert.equal(table.lookup('aws.bedrock', 'anthropic.claude-v2:1'), undefined);
  });
});

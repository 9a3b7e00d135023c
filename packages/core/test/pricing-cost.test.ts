import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { PricingTable } from '@llmtel/core';

const table = PricingTable.defaults();

/** Costs are sums of products of decimals; compare to the hand-computed value within float rounding. */
function assertUsd(actual: number | undefined, expected: number): void {
  assert.equal(typeof actual, 'number', `expected a cost of ${expected}, got ${actual}`);
  assert.ok(Math.abs((actual as number) - expected) < 1e-12, `expected ${expected}, got ${actual}`);
}

describe('PricingTable.cost', () => {
  it('bills OpenAI cached tokens, which are part of the prompt count, at the cached price', () => {
    // gpt-4o: $2.50 input, $1.25 cached input, $10 output per 1M.
    // prompt_tokens 10,000 of which cached_tokens 4,000; completion_tokens 500.
    // 6,000 × 2.50 + 4,000 × 1.25 + 500 × 10 = 15,000 + 5,000 + 5,000 = 25,000 µ$ → $0.025
    assertUsd(
      table.cost('openai', 'gpt-4o', { inputTokens: 10_000, cacheReadInputTokens: 4_000, outputTokens: 500 }),
      0.025,
    );
  });

  it('bills o-series reasoning tokens, which are part of the completion count, at the output price', () => {
    // o4-mini: $1.10 input, $4.40 output. 2,000 prompt tokens; 3,000 completion tokens of which 2,500 reasoning.
    // 2,000 × 1.10 + 500 × 4.40 + 2,500 × 4.40 = 2,200 + 2,200 + 11,000 = 15,400 µ$ → $0.0154
    const usage = { inputTokens: 2_000, outputTokens: 3_000, reasoningOutputTokens: 2_500 };
    assertUsd(table.cost('openai', 'o4-mini-2025-04-16', usage), 0.0154);
    assertUsd(table.cost('openai', 'o4-mini', { inputTokens: 2_000, outputTokens: 3_000 }), 0.0154);
  });

  it('bills reasoning tokens at their own price where the provider prices them apart', () => {
    // gemini-2.5-flash-preview-05-20: $0.15 input, $0.60 output, $3.50 thinking output.
    // 1,000 × 0.15 + (1,200 − 1,000) × 0.60 + 1,000 × 3.50 = 150 + 120 + 3,500 = 3,770 µ$ → $0.00377
    const usage = { inputTokens: 1_000, outputTokens: 1_200, reasoningOutputTokens: 1_000 };
    assertUsd(table.cost('gcp.gemini', 'gemini-2.5-flash-preview-05-20', usage), 0.00377);
  });

  it('bills Anthropic cache reads and cache writes at their own prices', () => {
    // Anthropic reports input_tokens 100 apart from cache_read_input_tokens 20,000 and
    // cache_creation_input_tokens 5,000; TokenUsage.inputTokens holds the sum, 25,100. output_tokens 800.
    // claude-sonnet-4-5: $3 input, $0.30 cache read, $3.75 cache write, $15 output.
    // 100 × 3 + 20,000 × 0.30 + 5,000 × 3.75 + 800 × 15 = 300 + 6,000 + 18,750 + 12,000 = 37,050 µ$ → $0.03705
    const usage = {
      inputTokens: 25_100,
      cacheReadInputTokens: 20_000,
      cacheCreationInputTokens: 5_000,
      outputTokens: 800,
    };
    assertUsd(table.cost('anthropic', 'claude-sonnet-4-5-20250929', usage), 0.03705);
  });

  it('switches a whole request to the long-context tier once its prompt exceeds the threshold', () => {
    // claude-sonnet-4-5 above 200K prompt tokens: $6 input, $0.60 cache read, $22.50 output.
    // 250,000 input of which 50,000 cache reads; 1,000 output.
    // 200,000 × 6 + 50,000 × 0.60 + 1,000 × 22.50 = 1,200,000 + 30,000 + 22,500 = 1,252,500 µ$ → $1.2525
    const long = { inputTokens: 250_000, cacheReadInputTokens: 50_000, outputTokens: 1_000 };
    assertUsd(table.cost('anthropic', 'claude-sonnet-4-5', long), 1.2525);
    // Exactly 200,000 is not above the threshold: 200,000 × 3 = 600,000 µ$ → $0.60
    assertUsd(table.cost('anthropic', 'claude-sonnet-4-20250514', { inputTokens: 200_000, outputTokens: 0 }), 0.6);
    // gemini-2.5-pro above 200K: $2.50 input, $15 output. 300,000 × 2.50 + 2,000 × 15 = 780,000 µ$ → $0.78
    assertUsd(table.cost('gcp.vertex_ai', 'gemini-2.5-pro', { inputTokens: 300_000, outputTokens: 2_000 }), 0.78);
    // gpt-5.4 above 272K: $5 input, $22.50 output. 300,000 × 5 + 1,000 × 22.50 = 1,522,500 µ$ → $1.5225
    assertUsd(table.cost('openai', 'gpt-5.4', { inputTokens: 300_000, outputTokens: 1_000 }), 1.5225);
  });

  it('bills embeddings for their input tokens only', () => {
    // text-embedding-3-small: $0.02 per 1M. 1,234 × 0.02 = 24.68 µ$ → $0.00002468
    assertUsd(table.cost('openai', 'text-embedding-3-small', { inputTokens: 1_234 }), 0.00002468);
    // Titan Text Embeddings V2 on Bedrock: $0.02 per 1M; V1: $0.10. 50,000 tokens → $0.001 and $0.005.
    assertUsd(table.cost('aws.bedrock', 'amazon.titan-embed-text-v2:0', { inputTokens: 50_000 }), 0.001);
    assertUsd(table.cost('aws.bedrock', 'amazon.titan-embed-text-v1', { inputTokens: 50_000 }), 0.005);
  });

  it('bills DeepSeek cache hits, which are part of prompt_tokens, at the cache-hit price', () => {
    // deepseek-chat: $0.28 cache miss, $0.028 cache hit, $0.42 output. 10,000 prompt tokens, 8,000 hits; 1,000 out.
    // 2,000 × 0.28 + 8,000 × 0.028 + 1,000 × 0.42 = 560 + 224 + 420 = 1,204 µ$ → $0.001204
    const usage = { inputTokens: 10_000, cacheReadInputTokens: 8_000, outputTokens: 1_000 };
    assertUsd(table.cost('deepseek', 'deepseek-chat', usage), 0.001204);
  });

  it("bills Bedrock's regional Claude endpoints 10% above global cross-region inference", () => {
    // claude-sonnet-4-5: global $3 / $15; us. profile $3.30 / $16.50. 1,000 in + 1,000 out → $0.018 and $0.0198.
    const usage = { inputTokens: 1_000, outputTokens: 1_000 };
    assertUsd(table.cost('aws.bedrock', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', usage), 0.018);
    assertUsd(table.cost('aws.bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', usage), 0.0198);
    // Older Claude models cost the same everywhere: claude-3-5-sonnet $3 / $15 → $0.018.
    assertUsd(table.cost('aws.bedrock', 'anthropic.claude-3-5-sonnet-20240620-v1:0', usage), 0.018);
  });

  it("falls back to the model owner's price for resellers and OpenAI-compatible hosts", () => {
    // gpt-4o on Azure OpenAI: 1,000 × 2.50 + 100 × 10 = 3,500 µ$ → $0.0035
    assertUsd(table.cost('azure.ai.openai', 'gpt-4o-2024-11-20', { inputTokens: 1_000, outputTokens: 100 }), 0.0035);
    // OpenRouter's anthropic/claude-sonnet-4.5 is claude-sonnet-4-5: 1,000 × 3 + 100 × 15 = 4,500 µ$ → $0.0045
    const viaGateway = table.cost('openrouter', 'anthropic/claude-sonnet-4.5', {
      inputTokens: 1_000,
      outputTokens: 100,
    });
    assertUsd(viaGateway, 0.0045);
    assert.equal(table.lookup('openrouter', 'anthropic/claude-sonnet-4.5')?.provider, 'anthropic');
  });

  it('returns undefined, never 0, when the usage has no token counts', () => {
    assert.equal(table.cost('openai', 'gpt-4o', {}), undefined);
    assert.equal(table.cost('openai', 'gpt-4o', { estimated: true }), undefined);
    assert.equal(table.cost('openai', 'gpt-4o', { inputTokens: 0, outputTokens: 0 }), 0);
  });
});

describe('PricingTable.cost for an unknown model', () => {
  const warnings: string[] = [];
  const logger: DiagLogger = {
    error: () => {},
    warn: (message: string) => warnings.push(message),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  before(() => diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true }));
  after(() => diag.disable());
  beforeEach(() => {
    warnings.length = 0;
  });

  it('returns undefined and warns exactly once per provider and model for the life of the process', () => {
    const model = `no-such-model-${randomUUID()}`;
    const usage = { inputTokens: 1_000, outputTokens: 100 };
    for (let i = 0; i < 5; i++) assert.equal(table.cost('openai', model, usage), undefined);
    // A second table (as the ESM and CJS copies of the package would each build) does not warn again.
    assert.equal(new PricingTable(table.entries).cost('openai', model, usage), undefined);
    assert.equal(warnings.filter((message) => message.includes(model)).length, 1);
    assert.match(warnings[0] ?? '', /LLMTEL_PRICING_FILE/);

    assert.equal(table.cost('openrouter', model, usage), undefined);
    assert.equal(warnings.filter((message) => message.includes(model)).length, 2);
  });

  it('does not warn for known models', () => {
    table.cost('anthropic', 'claude-haiku-4-5', { inputTokens: 10, outputTokens: 10 });
    assert.deepEqual(warnings, []);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadPricingFile, PricingTable, resolvePricingTable, type ModelPrice } from '@llmtel/core';

// Anthropic bills a 5-minute cache write at 1.25x the base input price and a 1-hour cache write at 2x
// (https://platform.claude.com/docs/en/build-with-claude/prompt-caching#pricing). TokenUsage carries the 1-hour part
// of the writes as cacheCreation1hInputTokens; ModelPrice prices it as cacheWrite1h.

const table = PricingTable.defaults();

function assertUsd(actual: number | undefined, expected: number): void {
  assert.equal(typeof actual, 'number', `expected a cost of ${expected}, got ${actual}`);
  assert.ok(Math.abs((actual as number) - expected) < 1e-12, `expected ${expected}, got ${actual}`);
}

describe('1-hour cache writes: worked costs', () => {
  it('bills the 1-hour part of the cache writes at the 1-hour price and the rest at the 5-minute price', () => {
    // Anthropic reports input_tokens 100, cache_read_input_tokens 20,000, cache_creation_input_tokens 5,000 with
    // cache_creation { ephemeral_5m_input_tokens: 2,000, ephemeral_1h_input_tokens: 3,000 }, output_tokens 800.
    // claude-sonnet-4-5: $3 input, $0.30 cache read, $3.75 5m write, $6 1h write, $15 output.
    // 100 × 3 + 20,000 × 0.30 + 2,000 × 3.75 + 3,000 × 6 + 800 × 15
    //   = 300 + 6,000 + 7,500 + 18,000 + 12,000 = 43,800 µ$ → $0.0438
    const usage = {
      inputTokens: 25_100,
      cacheReadInputTokens: 20_000,
      cacheCreationInputTokens: 5_000,
      cacheCreation1hInputTokens: 3_000,
      outputTokens: 800,
    };
    assertUsd(table.cost('anthropic', 'claude-sonnet-4-5-20250929', usage), 0.0438);
    // The same call with every write at the 5-minute rate: 300 + 6,000 + 18,750 + 12,000 = 37,050 µ$ → $0.03705
    const { cacheCreation1hInputTokens: _oneHour, ...fiveMinutes } = usage;
    assertUsd(table.cost('anthropic', 'claude-sonnet-4-5-20250929', fiveMinutes), 0.03705);
  });

  it('bills a call whose writes are all 1-hour writes at 2x input', () => {
    // claude-haiku-4-5: $1 input, $2 1h write, $5 output. input_tokens 50, 10,000 written for 1 hour, 200 output.
    // 50 × 1 + 10,000 × 2 + 200 × 5 = 50 + 20,000 + 1,000 = 21,050 µ$ → $0.02105
    const usage = {
      inputTokens: 10_050,
      cacheCreationInputTokens: 10_000,
      cacheCreation1hInputTokens: 10_000,
      outputTokens: 200,
    };
    assertUsd(table.cost('anthropic', 'claude-haiku-4-5-20251001', usage), 0.02105);
    // claude-3-haiku: $0.25 input, $0.50 1h write (its 5m write is $0.30, not 1.25x), $1.25 output.
    // 50 × 0.25 + 10,000 × 0.50 + 200 × 1.25 = 12.5 + 5,000 + 250 = 5,262.5 µ$ → $0.0052625
    assertUsd(table.cost('anthropic', 'claude-3-haiku-20240307', usage), 0.0052625);
  });

  it('bills 1-hour writes at the long-context 1-hour price once the prompt exceeds 200K tokens', () => {
    // claude-sonnet-4 above 200K: $6 input, $0.60 cache read, $7.50 5m write, $12 1h write, $22.50 output.
    // input_tokens 1,000, cache reads 150,000, cache writes 100,000 of which 60,000 for 1 hour; 2,000 output.
    // Prompt: 1,000 + 150,000 + 100,000 = 251,000 > 200,000.
    // 1,000 × 6 + 150,000 × 0.60 + 40,000 × 7.50 + 60,000 × 12 + 2,000 × 22.50
    //   = 6,000 + 90,000 + 300,000 + 720,000 + 45,000 = 1,161,000 µ$ → $1.161
    const usage = {
      inputTokens: 251_000,
      cacheReadInputTokens: 150_000,
      cacheCreationInputTokens: 100_000,
      cacheCreation1hInputTokens: 60_000,
      outputTokens: 2_000,
    };
    assertUsd(table.cost('anthropic', 'claude-sonnet-4-20250514', usage), 1.161);
  });

  it('falls back to the cache write price, then the input price, for a model without a 1-hour price', () => {
    // Bedrock's Claude rows carry no 1-hour price: us. claude-sonnet-4-5 is $3.30 input, $4.125 write, $16.50 output.
    // 1,000 × 3.30 + 4,000 × 4.125 + 100 × 16.50 = 3,300 + 16,500 + 1,650 = 21,450 µ$ → $0.02145
    const usage = {
      inputTokens: 5_000,
      cacheCreationInputTokens: 4_000,
      cacheCreation1hInputTokens: 4_000,
      outputTokens: 100,
    };
    assertUsd(table.cost('aws.bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', usage), 0.02145);
    // A price with neither write price bills writes at input: 5,000 × 2 + 100 × 8 = 10,800 µ$ → $0.0108
    const plain = new PricingTable([
      { provider: 'acme', model: 'acme-large', input: 2, output: 8, effectiveFrom: '2026-01-01' },
    ]);
    assertUsd(plain.cost('acme', 'acme-large', usage), 0.0108);
  });

  it('never bills more 1-hour writes than cache writes', () => {
    // claude-haiku-4-5, 5,000 cache writes but a 1-hour count of 9,000: the 5,000 are billed as 1-hour writes.
    // 5,000 × 2 = 10,000 µ$ → $0.01
    const inconsistent = {
      inputTokens: 5_000,
      cacheCreationInputTokens: 5_000,
      cacheCreation1hInputTokens: 9_000,
      outputTokens: 0,
    };
    assertUsd(table.cost('anthropic', 'claude-haiku-4-5', inconsistent), 0.01);
    // Without a cache write count there is nothing to bill at a write price: 5,000 × 1 = 5,000 µ$ → $0.005
    const noWrites = { inputTokens: 5_000, cacheCreation1hInputTokens: 5_000, outputTokens: 0 };
    assertUsd(table.cost('anthropic', 'claude-haiku-4-5', noWrites), 0.005);
  });
});

describe('1-hour cache write prices in the shipped table', () => {
  const anthropic = table.entries.filter((entry) => entry.provider === 'anthropic');

  it('prices every Anthropic model, and each of its long-context tiers, at 2x input for 1-hour writes', () => {
    assert.ok(anthropic.length >= 10);
    for (const entry of anthropic) {
      assert.equal(entry.cacheWrite1h, entry.input * 2, `${entry.model} cacheWrite1h`);
      assert.ok((entry.cacheWrite1h ?? 0) > (entry.cacheWrite ?? Infinity), `${entry.model}: 1h above 5m`);
      for (const tier of entry.tiers ?? []) assert.equal(tier.cacheWrite1h, tier.input * 2, `${entry.model} tier`);
    }
  });

  it("gives Bedrock's Claude rows no 1-hour price of their own (not taken over from Anthropic's)", () => {
    const claude = table.entries.filter((entry) => entry.provider === 'aws.bedrock' && entry.model.includes('claude'));
    assert.ok(claude.length >= 10);
    for (const entry of claude) {
      assert.equal(entry.cacheWrite1h, undefined, entry.model);
      for (const tier of entry.tiers ?? []) assert.equal(tier.cacheWrite1h, undefined, entry.model);
    }
  });
});

describe('cacheWrite1h in pricing files and the prices option', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmtel-pricing-ttl-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads cacheWrite1h on an entry and on its tiers, and prices with it', () => {
    const path = write(
      'bedrock-1h.yaml',
      `prices:
  - provider: aws.bedrock
    model: anthropic.claude-sonnet-4-5  # the regional (us., eu., …) Claude Sonnet 4.5 row
    input: 3.3
    output: 16.5
    cacheRead: 0.33
    cacheWrite: 4.125
    cacheWrite1h: 6.6
    tiers:
      - {aboveInputTokens: 200000, input: 6.6, output: 24.75, cacheRead: 0.66, cacheWrite: 8.25, cacheWrite1h: 13.2}
    effectiveFrom: 2026-01-26
`,
    );
    const [entry] = loadPricingFile(path);
    assert.equal(entry?.cacheWrite1h, 6.6);
    assert.equal(entry?.tiers?.[0]?.cacheWrite1h, 13.2);
    const priced = resolvePricingTable({ pricingFile: path }, {});
    // 1,000 × 3.30 + 4,000 × 6.60 + 100 × 16.50 = 3,300 + 26,400 + 1,650 = 31,350 µ$ → $0.03135
    const usage = {
      inputTokens: 5_000,
      cacheCreationInputTokens: 4_000,
      cacheCreation1hInputTokens: 4_000,
      outputTokens: 100,
    };
    assertUsd(priced.cost('aws.bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', usage), 0.03135);
  });

  it('rejects a negative cacheWrite1h, on an entry or a tier, and names the usual misspelling', () => {
    const base = { provider: 'p', model: 'm', input: 1, output: 1, effectiveFrom: '2026-01-01' };
    const cases: Array<[unknown[], RegExp]> = [
      [[{ ...base, cacheWrite1h: -2 }], /entry 0 \(p\/m\): field "cacheWrite1h" must be a finite number >= 0/],
      [
        [{ ...base, tiers: [{ aboveInputTokens: 10, input: 2, output: 2, cacheWrite1h: 'x' }] }],
        /tiers\[0\]: field "cacheWrite1h" must be a finite number/,
      ],
      [[{ ...base, cache_write_1h: 2 }], /unknown field "cache_write_1h" \(did you mean "cacheWrite1h"\?\)/],
    ];
    for (const [prices, message] of cases) {
      assert.throws(() => resolvePricingTable({ prices: prices as ModelPrice[] }, {}), message);
    }
  });
});

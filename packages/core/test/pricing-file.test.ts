import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { loadPricingFile, PricingTable, resolvePricingTable, type ModelPrice } from '@llmtel/core';

const dir = mkdtempSync(join(tmpdir(), 'llmtel-pricing-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const JSON_PRICES: ModelPrice[] = [
  // A negotiated price for a listed model, and a model the table does not know.
  { provider: 'openai', model: 'gpt-4o', input: 2, cacheRead: 1, output: 8, effectiveFrom: '2026-01-01' },
  { provider: 'acme', model: 'acme-large', input: 1, output: 2, effectiveFrom: '2026-02-01', source: 'https://acme/' },
];

const YAML_PRICES = `
# Prices for our self-hosted gateway
prices:
  - provider: anthropic
    model: claude-sonnet-4.5  # a gateway's spelling of claude-sonnet-4-5
    input: 2.5
    output: 12
    cacheRead: 0.25
    cacheWrite: 3
    tiers:
      - aboveInputTokens: 200000
        input: 5
        output: 20
        cacheRead: 0.5
        cacheWrite: 6
    effectiveFrom: 2026-03-01
  - provider: acme
    model: acme-embed
    kind: embeddings
    input: 0.01
    output: 0
    effectiveFrom: "2026-03-01T00:00:00Z"
`;

describe('loadPricingFile', () => {
  it('reads a JSON list of prices', () => {
    const path = write('prices.json', JSON.stringify(JSON_PRICES));
    assert.deepEqual(loadPricingFile(path), JSON_PRICES);
  });

  it('reads a YAML document with a prices list', () => {
    const prices = loadPricingFile(write('prices.yaml', YAML_PRICES));
    assert.deepEqual(
      prices.map((price) => [price.provider, price.model, price.input, price.effectiveFrom]),
      [
        ['anthropic', 'claude-sonnet-4.5', 2.5, '2026-03-01'],
        ['acme', 'acme-embed', 0.01, '2026-03-01T00:00:00Z'],
      ],
    );
    assert.deepEqual(prices[0]?.tiers, [
      { aboveInputTokens: 200000, input: 5, output: 20, cacheRead: 0.5, cacheWrite: 6 },
    ]);
  });

  const invalid: Array<[string, string, RegExp]> = [
    [
      'missing-input.json',
      '[{"provider":"openai","model":"m","output":1,"effectiveFrom":"2026-01-01"}]',
      /entry 0 \(openai\/m\): field "input" is required/,
    ],
    [
      'negative.json',
      '[{"provider":"openai","model":"m","input":1,"output":-2,"effectiveFrom":"2026-01-01"}]',
      /field "output" must be a finite number >= 0/,
    ],
    [
      'string-price.yaml',
      '- {provider: openai, model: m, input: "1.5", output: 1, effectiveFrom: 2026-01-01}',
      /field "input" must be a finite number/,
    ],
    [
      'bad-date.json',
      '[{"provider":"openai","model":"m","input":1,"output":1,"effectiveFrom":"2025-13-01"}]',
      /field "effectiveFrom" must be an ISO 8601 date/,
    ],
    ['no-date.json', '[{"provider":"openai","model":"m","input":1,"output":1}]', /field "effectiveFrom"/],
    [
      'snake-case.yaml',
      'prices:\n  - {provider: openai, model: m, input: 1, output: 1, cache_read: 0.5, effectiveFrom: 2026-01-01}',
      /unknown field "cache_read" \(did you mean "cacheRead"\?\)/,
    ],
    [
      'no-provider.json',
      '[{"model":"m","input":1,"output":1,"effectiveFrom":"2026-01-01"}]',
      /field "provider" must be a non-empty string/,
    ],
    [
      'bad-kind.json',
      '[{"provider":"p","model":"m","kind":"image","input":1,"output":1,"effectiveFrom":"2026-01-01"}]',
      /field "kind" must be one of/,
    ],
    [
      'bad-tier.json',
      '[{"provider":"p","model":"m","input":1,"output":1,"tiers":[{"input":2,"output":2}],"effectiveFrom":"2026-01-01"}]',
      /tiers\[0\]: field "aboveInputTokens" must be an integer/,
    ],
    [
      'second-entry.json',
      `[${JSON.stringify(JSON_PRICES[0])},{"provider":"p","model":"m2","input":null,"output":1,"effectiveFrom":"2026-01-01"}]`,
      /entry 1 \(p\/m2\): field "input"/,
    ],
    ['not-a-list.json', '{"provider":"p"}', /expected a list of model prices/],
    ['broken.yaml', 'prices: [unclosed', /not valid YAML/],
    ['broken.json', '[{', /not valid JSON/],
  ];
  for (const [name, text, message] of invalid) {
    it(`rejects ${name} with a message naming the problem`, () => {
      const path = write(name, text);
      assert.throws(
        () => loadPricingFile(path),
        (error: Error) => {
          assert.ok(error.message.includes(path), `names the file: ${error.message}`);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it('rejects a file that does not exist', () => {
    assert.throws(() => loadPricingFile(join(dir, 'missing.json')), /missing\.json: cannot read it/);
  });
});

describe('resolvePricingTable', () => {
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

  const jsonFile = () => write('override.json', JSON.stringify(JSON_PRICES));
  const usage = { inputTokens: 1_000_000, outputTokens: 0 };

  it('uses the built-in prices when nothing is configured', () => {
    assert.equal(resolvePricingTable({}, {}), PricingTable.defaults());
  });

  it('lets the file override a listed model and add new ones, keeping every other price', () => {
    const table = resolvePricingTable({ pricingFile: jsonFile() }, {});
    // gpt-4o at the file's $2 per 1M input instead of the built-in $2.50
    assert.equal(table.cost('openai', 'gpt-4o-2024-08-06', usage), 2);
    assert.equal(table.cost('acme', 'acme-large', { inputTokens: 1_000_000, outputTokens: 1_000_000 }), 3);
    assert.ok(Math.abs((table.cost('openai', 'gpt-4o-mini', usage) ?? 0) - 0.15) < 1e-12);
    assert.equal(table.entries.filter((entry) => entry.provider === 'openai' && entry.model === 'gpt-4o').length, 1);
  });

  it('matches an override written in another spelling of the model id', () => {
    const table = resolvePricingTable({ pricingFile: write('yaml-override.yaml', YAML_PRICES) }, {});
    // 100,000 × $2.50 = $0.25
    assert.equal(
      table.cost('anthropic', 'claude-sonnet-4-5-20250929', { inputTokens: 100_000, outputTokens: 0 }),
      0.25,
    );
    // Over 200K the file's tier applies: 1,000,000 × $5
    assert.equal(table.cost('anthropic', 'claude-sonnet-4-5', usage), 5);
  });

  it('reads LLMTEL_PRICING_FILE when no file is given in code', () => {
    const table = resolvePricingTable({}, { LLMTEL_PRICING_FILE: jsonFile() });
    assert.equal(table.cost('openai', 'gpt-4o', usage), 2);
  });

  it('prefers the file given in code over LLMTEL_PRICING_FILE, and prices given in code over both', () => {
    const envFile = write('env.json', JSON.stringify([{ ...JSON_PRICES[0], input: 9 }]));
    const fromCode = resolvePricingTable({ pricingFile: jsonFile() }, { LLMTEL_PRICING_FILE: envFile });
    assert.equal(fromCode.cost('openai', 'gpt-4o', usage), 2);
    const prices: ModelPrice[] = [{ ...JSON_PRICES[0]!, input: 1.5 }];
    const withPrices = resolvePricingTable({ pricingFile: jsonFile(), prices }, { LLMTEL_PRICING_FILE: envFile });
    assert.equal(withPrices.cost('openai', 'gpt-4o', usage), 1.5);
  });

  it('throws for a bad file or bad prices given in code', () => {
    const bad = write(
      'bad-code.json',
      '[{"provider":"openai","model":"gpt-4o","input":-1,"output":1,"effectiveFrom":"2026-01-01"}]',
    );
    assert.throws(() => resolvePricingTable({ pricingFile: bad }, {}), /entry 0 \(openai\/gpt-4o\): field "input"/);
    const prices = [{ provider: 'openai', model: 'gpt-4o', input: 1, output: 1, effectiveFrom: 'soon' }];
    assert.throws(() => resolvePricingTable({ prices }, {}), /prices option: entry 0 .*"effectiveFrom"/);
  });

  it('warns and keeps the built-in prices when LLMTEL_PRICING_FILE is bad', () => {
    const bad = write('bad-env.yaml', '- provider: openai\n  model: gpt-4o\n  input: lots\n');
    const table = resolvePricingTable({}, { LLMTEL_PRICING_FILE: bad });
    assert.equal(table, PricingTable.defaults());
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /LLMTEL_PRICING_FILE/);
    assert.match(warnings[0] ?? '', /field "input"/);
    const missing = resolvePricingTable({}, { LLMTEL_PRICING_FILE: join(dir, 'nope.json') });
    assert.equal(missing, PricingTable.defaults());
    assert.equal(warnings.length, 2);
  });
});

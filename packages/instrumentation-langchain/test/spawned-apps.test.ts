import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  preloadedApps,
  printedPoints,
  printedSpans,
  startFakeProvider,
  syntheticChatCompletion,
  syntheticChatCompletionStream,
  tokenTotals,
  type FakeProvider,
} from '@llmtel/test-utils';
import { LANGCHAIN_SCOPE, OPENAI_SCOPE } from './helpers.ts';

/** The LangChain and openai instrumentations; the ES module hook covers the openai SDK and @langchain/core's files. */
const APPS = preloadedApps(
  fileURLToPath(new URL('./apps/', import.meta.url)),
  {
    instrumentations: [
      '@llmtel/instrumentation-openai#OpenAIInstrumentation',
      '@llmtel/instrumentation-langchain#LangChainInstrumentation',
    ],
    hook: ['openai', /\/node_modules\/@langchain\/core\//],
  },
  { timeoutMs: 60_000, passNodeOptions: true },
);

describe('apps that load LangChain themselves', () => {
  let fake: FakeProvider;
  before(async () => {
    fake = await startFakeProvider();
  });
  after(() => fake.close());

  for (const app of APPS) {
    it(`${app.kind}: one billable span per request, nested under the LangChain spans, one set of metrics`, async () => {
      fake.enqueue(
        syntheticChatCompletion({
          model: 'gpt-4o-mini',
          content: 'Hi!',
          usage: { input_tokens: 21, output_tokens: 3 },
        }),
        syntheticChatCompletionStream({
          model: 'gpt-4o-mini',
          chunks: ['Hi ', 'again!'],
          includeUsage: true,
          usage: { input_tokens: 23, output_tokens: 2 },
        }),
      );
      const result = await app.run({ OPENAI_BASE_URL: `${fake.url}/v1` });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^INVOKE Hi!$/m);
      assert.match(result.stdout, /^STREAM Hi again!$/m);
      assert.match(result.stdout, /^APP DONE$/m);

      const spans = printedSpans(result.stdout);
      const sdk = spans.filter((s) => s.scope === OPENAI_SCOPE);
      const lc = spans.filter((s) => s.scope === LANGCHAIN_SCOPE && s.name === 'chat gpt-4o-mini');
      assert.equal(sdk.length, 2, 'the openai SDK was patched');
      assert.equal(lc.length, 2, 'LangChain was patched');
      for (const s of sdk) {
        const parent = lc.find((l) => l.spanId === s.parentSpanId);
        assert.ok(parent, 'each openai span is a child of a LangChain chat span');
        assert.equal(s.attributes['llmtel.usage.billable'], true);
        assert.equal(parent.attributes['llmtel.usage.billable'], false);
        assert.equal(s.attributes['user.id'], 'user-123');
        const sequence = spans.find((p) => p.spanId === parent.parentSpanId);
        assert.equal(sequence?.name, 'RunnableSequence');
      }
      assert.equal(spans.filter((s) => s.attributes['llmtel.usage.billable'] === true).length, 2);

      assert.deepEqual(tokenTotals(printedPoints(result.stdout), 'input'), { count: 2, sum: 21 + 23 });
    });
  }
});

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

/** The AI SDK span processor on the global tracer provider; the AI SDK traces through the global API. */
const APPS = preloadedApps(
  fileURLToPath(new URL('./apps/', import.meta.url)),
  { spanProcessors: ['@llmtel/instrumentation-vercel-ai#AiSdkSpanProcessor'] },
  { timeoutMs: 60_000, passNodeOptions: true },
);

describe('apps that use the AI SDK and its OpenTelemetry integration', () => {
  let fake: FakeProvider;
  before(async () => {
    fake = await startFakeProvider();
  });
  after(() => fake.close());

  for (const app of APPS) {
    it(`${app.kind}: each chat span is billable, priced and attributed; the call spans are not billable`, async () => {
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
      const result = await app.run({ OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: `${fake.url}/v1` });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^GENERATE Hi!$/m);
      assert.match(result.stdout, /^STREAM Hi again!$/m);
      assert.match(result.stdout, /^APP DONE$/m);

      const spans = printedSpans(result.stdout);
      const chats = spans.filter((s) => s.name === 'chat gpt-4o-mini');
      assert.equal(chats.length, 2);
      for (const chat of chats) {
        assert.equal(chat.attributes['llmtel.usage.billable'], true);
        assert.equal(typeof chat.attributes['llmtel.usage.cost_usd'], 'number');
        assert.equal(chat.attributes['user.id'], 'user-123');
      }
      const roots = spans.filter((s) => s.name === 'invoke_agent gpt-4o-mini');
      assert.equal(roots.length, 2);
      for (const root of roots) assert.equal(root.attributes['llmtel.usage.billable'], false);
      assert.equal(spans.filter((s) => s.attributes['llmtel.usage.billable'] === true).length, 2);

      assert.deepEqual(tokenTotals(printedPoints(result.stdout), 'input'), { count: 2, sum: 21 + 23 });
    });
  }
});

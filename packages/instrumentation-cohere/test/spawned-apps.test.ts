import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  preloadedApps,
  printedPoints,
  printedSpans,
  startFakeProvider,
  tokenTotals,
  type FakeProvider,
} from '@llmtel/test-utils';
import { cohereFixture, LLMTEL_SCOPE } from './helpers.ts';

const APPS = preloadedApps(fileURLToPath(new URL('./apps/', import.meta.url)), {
  instrumentations: ['@llmtel/instrumentation-cohere#CohereInstrumentation'],
  hook: ['cohere-ai'],
});

describe('apps that load the SDK themselves', () => {
  let fake: FakeProvider;
  before(async () => {
    fake = await startFakeProvider();
  });
  after(() => fake.close());

  for (const app of APPS) {
    it(`${app.kind}: one attributed span per request and one set of token metrics`, async () => {
      fake.enqueue(cohereFixture('chat'), cohereFixture('chat-stream'), cohereFixture('embed'));
      const result = await app.run({ CO_API_KEY: 'test-key', COHERE_SERVER_URL: fake.url });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^CHAT COMPLETE$/m);
      assert.match(result.stdout, /^STREAM Bonjour le monde !$/m);
      assert.match(result.stdout, /^EMBED 2$/m);
      assert.match(result.stdout, /^APP DONE$/m);

      const spans = printedSpans(result.stdout);
      assert.deepEqual(
        spans.map((s) => s.name),
        ['chat command-a-03-2025', 'chat command-a-03-2025', 'embeddings embed-v4.0'],
      );
      for (const span of spans) {
        assert.equal(span.scope, LLMTEL_SCOPE);
        assert.equal(span.attributes['gen_ai.provider.name'], 'cohere');
        assert.equal(span.attributes['user.id'], 'user-123');
        assert.equal(span.attributes['gen_ai.conversation.id'], 'session-9');
        assert.equal(span.attributes['llmtel.usage.billable'], true);
      }
      assert.deepEqual(
        spans.map((s) => [s.attributes['gen_ai.usage.input_tokens'], s.attributes['gen_ai.usage.output_tokens']]),
        [
          [17, 44],
          [9, 7],
          [9, undefined],
        ],
      );

      const points = printedPoints(result.stdout);
      assert.deepEqual(tokenTotals(points, 'input'), { count: 3, sum: 17 + 9 + 9 });
      assert.deepEqual(tokenTotals(points, 'output'), { count: 2, sum: 44 + 7 });
    });
  }
});

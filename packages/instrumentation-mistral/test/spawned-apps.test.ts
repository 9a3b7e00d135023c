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
import { LLMTEL_SCOPE, mistralFixture } from './helpers.ts';

const APPS = preloadedApps(fileURLToPath(new URL('./apps/', import.meta.url)), {
  instrumentations: ['@llmtel/instrumentation-mistral#MistralInstrumentation'],
  hook: ['@mistralai/mistralai'],
});

describe('apps that load the SDK themselves', () => {
  let fake: FakeProvider;
  before(async () => {
    fake = await startFakeProvider();
  });
  after(() => fake.close());

  for (const app of APPS) {
    it(`${app.kind}: one attributed, priced span per request and one set of token metrics`, async () => {
      fake.enqueue(
        mistralFixture('chat-completion'),
        mistralFixture('chat-completion-stream'),
        mistralFixture('embeddings'),
      );
      const result = await app.run({ MISTRAL_API_KEY: 'test-key', MISTRAL_SERVER_URL: fake.url });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^COMPLETE stop$/m);
      assert.match(result.stdout, /^STREAM Bonjour le monde !$/m);
      assert.match(result.stdout, /^EMBED 2$/m);
      assert.match(result.stdout, /^APP DONE$/m);

      const spans = printedSpans(result.stdout);
      assert.deepEqual(
        spans.map((s) => s.name),
        ['chat mistral-small-latest', 'chat mistral-small-latest', 'embeddings mistral-embed'],
      );
      for (const span of spans) {
        assert.equal(span.scope, LLMTEL_SCOPE);
        assert.equal(span.attributes['gen_ai.provider.name'], 'mistral_ai');
        assert.equal(span.attributes['user.id'], 'user-123');
        assert.equal(span.attributes['gen_ai.conversation.id'], 'session-9');
        assert.equal(span.attributes['llmtel.usage.billable'], true);
        assert.equal(typeof span.attributes['llmtel.usage.cost_usd'], 'number');
      }
      assert.deepEqual(
        spans.map((s) => [s.attributes['gen_ai.usage.input_tokens'], s.attributes['gen_ai.usage.output_tokens']]),
        [
          [21, 38],
          [14, 9],
          [11, undefined],
        ],
      );

      const points = printedPoints(result.stdout);
      assert.deepEqual(tokenTotals(points, 'input'), { count: 3, sum: 21 + 14 + 11 });
      assert.deepEqual(tokenTotals(points, 'output'), { count: 2, sum: 38 + 9 });
    });
  }
});

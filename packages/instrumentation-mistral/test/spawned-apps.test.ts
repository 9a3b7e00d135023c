import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  assertAppPrinted,
  assertEveryPrintedSpan,
  preloadedApps,
  printedSpans,
  printedTokenCounts,
  printedTokenTotals,
  runAgainstFake,
} from '@llmtel/test-utils';
import { LLMTEL_SCOPE, mistralFixture } from './helpers.ts';

const APPS = preloadedApps(fileURLToPath(new URL('./apps/', import.meta.url)), {
  instrumentations: ['@llmtel/instrumentation-mistral#MistralInstrumentation'],
  hook: ['@mistralai/mistralai'],
});

/** What the apps' `withLlmContext` puts on every span. */
const ATTRIBUTED = { 'user.id': 'user-123', 'gen_ai.conversation.id': 'session-9', 'llmtel.usage.billable': true };

describe('apps that load the SDK themselves', () => {
  for (const app of APPS) {
    it(`${app.kind}: one attributed, priced span per request and one set of token metrics`, async () => {
      const fixtures = ['chat-completion', 'chat-completion-stream', 'embeddings'].map(mistralFixture);
      const result = await runAgainstFake(app, fixtures, (url) => ({
        MISTRAL_API_KEY: 'test-key',
        MISTRAL_SERVER_URL: url,
      }));
      assertAppPrinted(result, [/^COMPLETE stop$/m, /^STREAM Bonjour le monde !$/m, /^EMBED 2$/m, /^APP DONE$/m]);

      const spans = printedSpans(result.stdout);
      assert.deepEqual(
        spans.map((s) => s.name),
        ['chat mistral-small-latest', 'chat mistral-small-latest', 'embeddings mistral-embed'],
      );
      assertEveryPrintedSpan(spans, LLMTEL_SCOPE, { 'gen_ai.provider.name': 'mistral_ai', ...ATTRIBUTED });
      for (const span of spans) assert.equal(typeof span.attributes['llmtel.usage.cost_usd'], 'number');
      assert.deepEqual(printedTokenCounts(spans), [
        [21, 38],
        [14, 9],
        [11, undefined],
      ]);
      assert.deepEqual(printedTokenTotals(result.stdout), {
        input: { count: 3, sum: 21 + 14 + 11 },
        output: { count: 2, sum: 38 + 9 },
      });
    });
  }
});

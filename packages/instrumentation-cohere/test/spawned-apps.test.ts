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
import { cohereFixture, LLMTEL_SCOPE } from './helpers.ts';

const APPS = preloadedApps(fileURLToPath(new URL('./apps/', import.meta.url)), {
  instrumentations: ['@llmtel/instrumentation-cohere#CohereInstrumentation'],
  hook: ['cohere-ai'],
});

/** What the apps' `withLlmContext` puts on every span. */
const ATTRIBUTED = { 'user.id': 'user-123', 'gen_ai.conversation.id': 'session-9', 'llmtel.usage.billable': true };

describe('apps that load the SDK themselves', () => {
  for (const app of APPS) {
    it(`${app.kind}: one attributed span per request and one set of token metrics`, async () => {
      const fixtures = ['chat', 'chat-stream', 'embed'].map(cohereFixture);
      const result = await runAgainstFake(app, fixtures, (url) => ({ CO_API_KEY: 'test-key', COHERE_SERVER_URL: url }));
      assertAppPrinted(result, [/^CHAT COMPLETE$/m, /^STREAM Bonjour le monde !$/m, /^EMBED 2$/m, /^APP DONE$/m]);

      const spans = printedSpans(result.stdout);
      assert.deepEqual(
        spans.map((s) => s.name),
        ['chat command-a-03-2025', 'chat command-a-03-2025', 'embeddings embed-v4.0'],
      );
      assertEveryPrintedSpan(spans, LLMTEL_SCOPE, { 'gen_ai.provider.name': 'cohere', ...ATTRIBUTED });
      assert.deepEqual(printedTokenCounts(spans), [
        [17, 44],
        [9, 7],
        [9, undefined],
      ]);
      assert.deepEqual(printedTokenTotals(result.stdout), {
        input: { count: 3, sum: 17 + 9 + 9 },
        output: { count: 2, sum: 44 + 7 },
      });
    });
  }
});

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
import { anthropicFixture, LLMTEL_SCOPE } from './helpers.ts';

/** Registered globally (so @anthropic-ai/sdk's own tracing is on too), with trace-context propagation. */
const APPS = preloadedApps(fileURLToPath(new URL('./apps/', import.meta.url)), {
  instrumentations: ['@llmtel/instrumentation-anthropic#AnthropicInstrumentation'],
  propagator: true,
  hook: ['@anthropic-ai/sdk'],
});

/** What the apps' `withLlmContext` puts on every span. */
const ATTRIBUTED = { 'user.id': 'user-123', 'gen_ai.conversation.id': 'session-9', 'llmtel.usage.billable': true };

describe('apps that load the SDK themselves', () => {
  for (const app of APPS) {
    it(`${app.kind}: one attributed, priced span per request and one set of token metrics`, async () => {
      const fixtures = ['thinking-non-streaming', 'thinking-streaming', 'reasoning-tool-use-streaming'].map(
        anthropicFixture,
      );
      const result = await runAgainstFake(app, fixtures, (url) => ({
        ANTHROPIC_API_KEY: 'test-key',
        ANTHROPIC_BASE_URL: url,
      }));
      assertAppPrinted(result, [/^CREATE end_turn$/m, /^STREAM 8$/m, /^HELPER tool_use$/m, /^APP DONE$/m]);

      const spans = printedSpans(result.stdout);
      assert.equal(spans.length, 3, "one span per request, none from the SDK's own tracing");
      assertEveryPrintedSpan(spans, LLMTEL_SCOPE, ATTRIBUTED);
      for (const span of spans) {
        assert.equal(span.name, 'chat claude-sonnet-4-6');
        assert.equal(typeof span.attributes['llmtel.usage.cost_usd'], 'number');
      }
      assert.deepEqual(printedTokenCounts(spans), [
        [52, 221],
        [52, 204],
        [596, 99],
      ]);
      assert.deepEqual(
        result.requests.map((r) => r.headers.traceparent),
        spans.map((s) => `00-${s.traceId}-${s.spanId}-01`),
        "the SDK's trace headers name the llmtel spans",
      );
      assert.deepEqual(printedTokenTotals(result.stdout), {
        input: { count: 3, sum: 52 + 52 + 596 },
        output: { count: 3, sum: 221 + 204 + 99 },
      });
    });
  }
});

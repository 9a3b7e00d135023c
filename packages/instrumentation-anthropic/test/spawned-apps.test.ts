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
import { anthropicFixture, LLMTEL_SCOPE } from './helpers.ts';

/** Registered globally (so @anthropic-ai/sdk's own tracing is on too), with trace-context propagation. */
const APPS = preloadedApps(fileURLToPath(new URL('./apps/', import.meta.url)), {
  instrumentations: ['@llmtel/instrumentation-anthropic#AnthropicInstrumentation'],
  propagator: true,
  hook: ['@anthropic-ai/sdk'],
});

describe('apps that load the SDK themselves', () => {
  let fake: FakeProvider;
  before(async () => {
    fake = await startFakeProvider();
  });
  after(() => fake.close());

  for (const app of APPS) {
    it(`${app.kind}: one attributed, priced span per request and one set of token metrics`, async () => {
      fake.requests.length = 0;
      fake.enqueue(
        anthropicFixture('thinking-non-streaming'),
        anthropicFixture('thinking-streaming'),
        anthropicFixture('reasoning-tool-use-streaming'),
      );
      const result = await app.run({ ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: fake.url });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^CREATE end_turn$/m);
      assert.match(result.stdout, /^STREAM 8$/m);
      assert.match(result.stdout, /^HELPER tool_use$/m);
      assert.match(result.stdout, /^APP DONE$/m);

      const spans = printedSpans(result.stdout);
      assert.equal(spans.length, 3, "one span per request, none from the SDK's own tracing");
      for (const span of spans) {
        assert.equal(span.scope, LLMTEL_SCOPE);
        assert.equal(span.name, 'chat claude-sonnet-4-6');
        assert.equal(span.attributes['user.id'], 'user-123');
        assert.equal(span.attributes['gen_ai.conversation.id'], 'session-9');
        assert.equal(span.attributes['llmtel.usage.billable'], true);
        assert.equal(typeof span.attributes['llmtel.usage.cost_usd'], 'number');
      }
      assert.deepEqual(
        spans.map((s) => [s.attributes['gen_ai.usage.input_tokens'], s.attributes['gen_ai.usage.output_tokens']]),
        [
          [52, 221],
          [52, 204],
          [596, 99],
        ],
      );
      assert.deepEqual(
        fake.requests.map((r) => r.headers.traceparent),
        spans.map((s) => `00-${s.traceId}-${s.spanId}-01`),
        "the SDK's trace headers name the llmtel spans",
      );

      const points = printedPoints(result.stdout);
      assert.deepEqual(tokenTotals(points, 'input'), { count: 3, sum: 52 + 52 + 596 });
      assert.deepEqual(tokenTotals(points, 'output'), { count: 3, sum: 221 + 204 + 99 });
    });
  }
});

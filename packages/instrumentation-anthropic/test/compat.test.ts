import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  anthropicFixture,
  collect,
  LLMTEL_SCOPE,
  requestBodyOf,
  sdkVersionOf,
  setup,
  type Harness,
  type SdkVersion,
} from './helpers.ts';

// The oldest supported release (0.50, no tracing of its own) and the first that traces itself (0.134); the current
// one is what every other test file runs against.
const VERSIONS: { version: SdkVersion; expected: string; tracesItself: boolean }[] = [
  { version: '0.50', expected: '0.50.4', tracesItself: false },
  { version: '0.134', expected: '0.134.0', tracesItself: true },
];

for (const { version, expected, tracesItself } of VERSIONS) {
  describe(`@anthropic-ai/sdk ${expected}`, () => {
    let h: Harness;
    before(async () => {
      h = await setup({}, version);
    });
    after(() => h.close());
    beforeEach(() => h.reset());

    const theSpan = () => h.theSpan({ scope: LLMTEL_SCOPE });

    it('is the release under test', () => {
      assert.equal(sdkVersionOf(version), expected);
      const client = h.client() as unknown as { _tracer?: unknown };
      assert.equal(client._tracer !== undefined, tracesItself);
    });

    it('messages.create: tokens, reasoning tokens and finish reason', async () => {
      const fixture = anthropicFixture('thinking-non-streaming');
      h.fake.enqueue(fixture);
      await h.client().messages.create(requestBodyOf(fixture) as never);
      const span = await theSpan();
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], 52);
      assert.equal(span.attributes['gen_ai.usage.output_tokens'], 221);
      assert.equal(span.attributes['gen_ai.usage.reasoning.output_tokens'], 65);
      assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['end_turn']);
      assert.equal(typeof span.attributes['llmtel.usage.cost_usd'], 'number');
    });

    it('messages.create streamed, with cache tokens', async () => {
      const fixture = anthropicFixture('sync-messages-create-streaming-aggregates-cache-tokens');
      h.fake.enqueue(fixture);
      const stream = await h.client().messages.create(requestBodyOf(fixture) as never);
      await collect(stream as unknown as AsyncIterable<unknown>);
      const span = await theSpan();
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], 13);
      assert.equal(span.attributes['gen_ai.usage.output_tokens'], 5);
      assert.equal(span.attributes['gen_ai.usage.cache_read.input_tokens'], 0);
      assert.equal(span.attributes['gen_ai.response.model'], 'claude-sonnet-4-20250514');
    });

    it('messages.stream() and beta.messages.create(): one span each', async () => {
      const fixture = anthropicFixture('reasoning-tool-use-streaming');
      h.fake.enqueue(fixture);
      const body = requestBodyOf(fixture);
      delete body.stream;
      const message = await h
        .client()
        .messages.stream(body as never)
        .finalMessage();
      assert.equal(message.stop_reason, 'tool_use');
      assert.equal((await theSpan()).attributes['gen_ai.usage.output_tokens'], 99);
      h.reset();
      const plain = anthropicFixture('reasoning-tool-use-non-streaming');
      h.fake.enqueue(plain);
      await h.client().beta.messages.create(requestBodyOf(plain) as never);
      assert.deepEqual((await theSpan()).attributes['gen_ai.response.finish_reasons'], ['tool_use']);
    });

    it('a break mid-stream ends the span once', async () => {
      const fixture = anthropicFixture('thinking-streaming');
      h.fake.enqueue(fixture);
      const stream = await h.client().messages.create(requestBodyOf(fixture) as never);
      for await (const event of stream as unknown as AsyncIterable<{ type: string }>) {
        if (event.type === 'content_block_delta') break;
      }
      assert.equal((await theSpan()).attributes['gen_ai.usage.input_tokens'], 52);
    });

    it('the recorded 404 is an ERROR span', async () => {
      const fixture = anthropicFixture('sync-messages-create-api-error');
      h.fake.enqueue(fixture);
      await assert.rejects(h.client().messages.create(fixture.request.body as never), { status: 404 });
      const span = await theSpan();
      assert.equal(span.status.code, SpanStatusCode.ERROR);
      assert.equal(span.attributes['error.type'], 'not_found_error');
    });
  });
}

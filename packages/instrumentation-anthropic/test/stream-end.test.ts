import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { anthropicFixture, collect, LLMTEL_SCOPE, requestBodyOf, setup, type Harness } from './helpers.ts';
import { syntheticStream } from './synthetic.ts';

type Event = { type: string };

for (const native of [true, false]) {
  describe(`how a stream ends (SDK tracing ${native ? 'on' : 'off'})`, () => {
    let h: Harness;
    const client = () => h.client(native ? {} : { openTelemetry: false });
    before(async () => {
      h = await setup();
    });
    after(() => h.close());
    beforeEach(() => h.reset());

    async function streamOf(name: string) {
      const fixture = anthropicFixture(name);
      h.fake.enqueue(fixture);
      const stream = await client().messages.create(requestBodyOf(fixture) as never);
      return stream as unknown as AsyncIterable<Event> & { controller: AbortController; tee(): AsyncIterable<Event>[] };
    }

    /** The one span of the request, after giving a second end (if there were one) every chance to happen. */
    const theSpan = () => h.theSpan({ scope: LLMTEL_SCOPE });

    it('a break after the first deltas ends the span once, with the input tokens and an estimated output', async () => {
      const stream = await streamOf('thinking-streaming');
      let deltas = 0;
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && ++deltas === 2) break;
      }
      const span = await theSpan();
      assert.equal(span.status.code, SpanStatusCode.UNSET);
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], 52);
      assert.equal(span.attributes['llmtel.usage.estimated'], true);
      assert.equal(span.attributes['gen_ai.response.finish_reasons'], undefined, 'no stop reason was sent yet');
    });

    it('the app aborting the request mid-stream ends the span once', async () => {
      const stream = await streamOf('thinking-streaming');
      const seen: Event[] = [];
      for await (const event of stream) {
        seen.push(event);
        if (event.type === 'content_block_delta') stream.controller.abort();
      }
      const span = await theSpan();
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], 52);
      assert.ok(seen.length > 0);
    });

    it('an error event mid-stream fails the span once, keeping the usage known so far', async () => {
      h.fake.enqueue(
        syntheticStream({
          model: 'claude-sonnet-4-6',
          startUsage: { input_tokens: 20, output_tokens: 1 },
          error: { type: 'overloaded_error', message: 'Overloaded' },
        }),
      );
      const stream = (await client().messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      })) as unknown as AsyncIterable<Event>;
      await assert.rejects(collect(stream), (error: Error) => error instanceof h.sdk.APIError);
      const span = await theSpan();
      assert.equal(span.status.code, SpanStatusCode.ERROR);
      assert.equal(span.attributes['error.type'], 'overloaded_error');
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], 20);
    });

    it('tee(): both halves read the same events, one span', async () => {
      const plain = await collect(await streamOf('thinking-streaming'));
      h.reset();
      const [left, right] = (await streamOf('thinking-streaming')).tee();
      const [a, b] = await Promise.all([collect(left!), collect(right!)]);
      assert.deepEqual(a, plain);
      assert.deepEqual(b, plain);
      const span = await theSpan();
      assert.equal(span.attributes['gen_ai.usage.output_tokens'], 204);
    });

    it("iterating a consumed stream again gets the SDK's own error and leaves the span as it was", async () => {
      const stream = await streamOf('thinking-streaming');
      await collect(stream);
      await assert.rejects(collect(stream), /consumed stream/);
      const span = await theSpan();
      assert.equal(span.status.code, SpanStatusCode.UNSET);
      assert.equal(span.attributes['gen_ai.usage.output_tokens'], 204);
    });
  });
}

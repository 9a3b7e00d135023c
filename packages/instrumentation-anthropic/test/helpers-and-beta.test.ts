import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { anthropicFixture, collect, LLMTEL_SCOPE, requestBodyOf, setup, type Harness } from './helpers.ts';

const STREAM = 'reasoning-tool-use-streaming';

// Each case runs with the SDK's own tracing on (its default here, where a global tracer provider is registered) and
// off: either way the request has exactly one span, llmtel's.
for (const native of [true, false]) {
  describe(`SDK helpers and the beta namespace (SDK tracing ${native ? 'on' : 'off'})`, () => {
    let h: Harness;
    const client = () => h.client(native ? {} : { openTelemetry: false });
    before(async () => {
      h = await setup();
    });
    after(() => h.close());
    beforeEach(() => h.reset());

    const oneSpan = () => h.theSpan({ scope: LLMTEL_SCOPE });

    it("messages.stream(): one span; the helper's events and final message are the app's", async () => {
      const fixture = anthropicFixture(STREAM);
      h.fake.enqueue(fixture);
      const body = requestBodyOf(fixture);
      delete body.stream;
      const texts: string[] = [];
      const stream = client().messages.stream(body as never);
      stream.on('text', (text) => texts.push(text));
      const message = await stream.finalMessage();
      assert.deepEqual(texts, ['Sure! Let me check the weather in San Francisco for you!']);
      assert.equal(message.stop_reason, 'tool_use');
      assert.deepEqual(message.usage.output_tokens, 99);
      const span = await oneSpan();
      assert.equal(span.name, 'chat claude-sonnet-4-6');
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], 596);
      assert.equal(span.attributes['gen_ai.usage.output_tokens'], 99);
      assert.equal(span.attributes['gen_ai.usage.reasoning.output_tokens'], 28);
      assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['tool_use']);
      assert.equal(h.fake.requests.length, 1);
      assert.equal((h.fake.requests[0]!.body as { stream?: boolean }).stream, true);
    });

    it('messages.stream() aborted by the app: one span, ended once', async () => {
      const fixture = anthropicFixture('thinking-streaming');
      h.fake.enqueue(fixture);
      const body = requestBodyOf(fixture);
      delete body.stream;
      const stream = client().messages.stream(body as never);
      stream.on('thinking', () => stream.abort());
      await assert.rejects(stream.finalMessage(), (error: Error) => error instanceof h.sdk.APIUserAbortError);
      const span = await oneSpan();
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], 52);
    });

    it('beta.messages.create(): one span, the beta header sent as the SDK makes it', async () => {
      const fixture = anthropicFixture('reasoning-tool-use-non-streaming');
      h.fake.enqueue(fixture);
      const message = await client().beta.messages.create({
        ...requestBodyOf(fixture),
        betas: ['interleaved-thinking-2025-05-14'],
      } as never);
      assert.equal(message.id, 'msg_01NuGqPL1JZVKeaShZ54fAQj');
      const span = await oneSpan();
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], 596);
      assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['tool_use']);
      const request = h.fake.requests.at(-1)!;
      assert.match(String(request.headers['anthropic-beta']), /interleaved-thinking-2025-05-14/);
      assert.equal((request.body as { betas?: unknown }).betas, undefined);
    });

    it('beta.messages.create() streamed and beta.messages.stream(): one span each', async () => {
      const fixture = anthropicFixture(STREAM);
      h.fake.enqueue(fixture, fixture);
      const stream = await client().beta.messages.create(requestBodyOf(fixture) as never);
      const events = await collect(stream as unknown as AsyncIterable<{ type: string }>);
      assert.equal(events.at(-1)!.type, 'message_stop');
      const first = await oneSpan();
      assert.equal(first.attributes['gen_ai.usage.output_tokens'], 99);
      h.reset();
      const body = requestBodyOf(fixture);
      delete body.stream;
      const message = await client()
        .beta.messages.stream(body as never)
        .finalMessage();
      assert.equal(message.usage.output_tokens, 99);
      const second = await oneSpan();
      assert.equal(second.attributes['gen_ai.usage.output_tokens'], 99);
    });

    it('messages.parse(): one span', async () => {
      const fixture = anthropicFixture('thinking-non-streaming');
      h.fake.enqueue(fixture);
      const parsed = await client().messages.parse(requestBodyOf(fixture) as never);
      assert.equal(parsed.id, 'msg_01Anxf2S9gcewexr8M23HfZW');
      const span = await oneSpan();
      assert.equal(span.attributes['gen_ai.usage.output_tokens'], 221);
    });
  });
}

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanStatusCode } from '@opentelemetry/api';
import { loadFixture, startFakeProvider, type FakeProvider } from '@llmtel/test-utils';
import { collect, requestOf, setup, type Harness, type SdkMajor } from './helpers.ts';

const recording = loadFixture('gcp.vertex_ai', 'streaming-excludecontent-sync');
const params = { model: 'gemini-2.5-flash', ...requestOf(recording) } as never;
/** The recorded request's one user message, for a chat session to send. */
const promptText = (requestOf(recording).contents as { parts: { text: string }[] }[])[0]!.parts[0]!.text;

for (const major of [3, 1] as SdkMajor[]) {
  describe(`streams end their span exactly once, @google/genai v${major}`, () => {
    let h: Harness;
    /** A second fake that pauses before each chunk, so the app can stop mid-stream before the rest arrives. */
    let slow: FakeProvider;
    before(async () => {
      h = await setup({}, major);
      slow = await startFakeProvider({ chunkDelayMs: 30 });
    });
    after(async () => {
      await slow.close();
      await h.close();
    });

    test('break after the first chunk: the span ends then, without error, with estimated usage', async () => {
      h.reset();
      slow.enqueue(recording);
      const stream = await h.vertex({ httpOptions: { baseUrl: slow.url } }).models.generateContentStream(params);
      let seen = 0;
      for await (const chunk of stream) {
        assert.ok(chunk.text);
        seen++;
        break;
      }
      assert.equal(seen, 1);
      const spans = await h.waitForSpans(1);
      assert.equal(spans.length, 1);
      const span = spans[0]!;
      assert.equal(span.status.code, SpanStatusCode.UNSET);
      assert.equal(span.attributes['error.type'], undefined);
      // The recorded usage arrives only with the last chunk, which the app never read.
      assert.equal(span.attributes['llmtel.usage.estimated'], true);
      assert.ok((span.attributes['gen_ai.usage.output_tokens'] as number) > 0);
      assert.equal(span.attributes['gen_ai.response.id'], '2CzpaIGvA4C4nvgPk77D6Ak');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(h.spans().length, 1, 'nothing ends a second span later');
    });

    test('abortSignal mid-stream: one ERROR span, and the app sees the abort', async () => {
      h.reset();
      slow.enqueue(recording);
      const controller = new AbortController();
      const stream = await h
        .vertex({ httpOptions: { baseUrl: slow.url } })
        .models.generateContentStream({ ...(params as object), config: { abortSignal: controller.signal } } as never);
      let seen = 0;
      await assert.rejects(async () => {
        for await (const _chunk of stream) {
          seen++;
          controller.abort();
        }
      });
      assert.equal(seen, 1);
      const spans = await h.waitForSpans(1);
      assert.equal(spans.length, 1);
      assert.equal(spans[0]!.status.code, SpanStatusCode.ERROR);
      assert.equal(typeof spans[0]!.attributes['error.type'], 'string');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(h.spans().length, 1);
    });

    test('an error thrown by the app while reading ends the span as a success of the call', async () => {
      h.reset();
      h.fake.enqueue(recording);
      const stream = await h.vertex().models.generateContentStream(params);
      await assert.rejects(async () => {
        for await (const _chunk of stream) throw new Error('app bug');
      }, /app bug/);
      const [span] = await h.waitForSpans(1);
      assert.equal(span!.status.code, SpanStatusCode.UNSET);
    });

    // From v2.x the app gets the SDK's continuation generator around this package's stream, and chat sessions (every
    // version) their own generator: `return()` on a generator that never started does not run its body, so it never
    // reaches the stream inside unless the instrumentation forwards it.
    test('return() before reading anything ends the span once, and the app gets what the SDK returns', async () => {
      h.reset();
      h.fake.enqueue(recording);
      const stream = await h.vertex().models.generateContentStream(params);
      const sentinel = { returned: true };
      const done = await stream.return(sentinel);
      assert.deepEqual(done, { value: sentinel, done: true });
      assert.equal(done.value, sentinel);
      assert.deepEqual(await stream.next(), { value: undefined, done: true }, 'the stream is over');
      const spans = await h.waitForSpans(1);
      assert.equal(spans.length, 1);
      const span = spans[0]!;
      assert.equal(span.status.code, SpanStatusCode.UNSET);
      assert.equal(span.attributes['error.type'], undefined);
      // Nothing was read: no response attributes, and the usage is the estimate of the request alone.
      assert.equal(span.attributes['gen_ai.response.id'], undefined);
      assert.equal(span.attributes['llmtel.usage.estimated'], true);
      assert.equal(span.attributes['gen_ai.usage.output_tokens'], 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(h.spans().length, 1, 'nothing ends a second span later');
    });

    test('return() after reading one chunk ends the span then, with estimated usage', async () => {
      h.reset();
      slow.enqueue(recording);
      const stream = await h.vertex({ httpOptions: { baseUrl: slow.url } }).models.generateContentStream(params);
      const first = await stream.next();
      assert.equal(first.done, false);
      assert.ok(first.value?.text);
      assert.deepEqual(await stream.return(undefined), { value: undefined, done: true });
      const spans = await h.waitForSpans(1);
      assert.equal(spans.length, 1);
      const span = spans[0]!;
      assert.equal(span.status.code, SpanStatusCode.UNSET);
      assert.equal(span.attributes['error.type'], undefined);
      assert.equal(span.attributes['gen_ai.response.id'], '2CzpaIGvA4C4nvgPk77D6Ak');
      assert.equal(span.attributes['llmtel.usage.estimated'], true);
      assert.ok((span.attributes['gen_ai.usage.output_tokens'] as number) > 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(h.spans().length, 1, 'nothing ends a second span later');
    });

    test('return() on a chat stream before reading anything ends the span once', async () => {
      h.reset();
      h.fake.enqueue(recording);
      const chat = h.vertex().chats.create({ model: 'gemini-2.5-flash' });
      const stream = await chat.sendMessageStream({ message: promptText });
      assert.deepEqual(await stream.return(undefined), { value: undefined, done: true });
      const spans = await h.waitForSpans(1);
      assert.equal(spans.length, 1);
      assert.equal(spans[0]!.status.code, SpanStatusCode.UNSET);
      assert.equal(spans[0]!.attributes['error.type'], undefined);
      assert.equal(spans[0]!.attributes['gen_ai.response.id'], undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(h.spans().length, 1, 'nothing ends a second span later');
      assert.deepEqual(chat.getHistory(), [], 'the SDK recorded no turn, as without instrumentation');
    });

    test('a stream read to the end: every chunk reaches the app, then the span ends once', async () => {
      h.reset();
      h.fake.enqueue(recording);
      const stream = await h.vertex().models.generateContentStream(params);
      const chunks = await collect(stream);
      assert.equal(chunks.length, 6);
      const spans = await h.waitForSpans(1);
      assert.equal(spans.length, 1);
      assert.equal(spans[0]!.attributes['gen_ai.usage.input_tokens'], 8);
      assert.equal(spans[0]!.attributes['llmtel.usage.estimated'], false);
    });
  });
}

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace } from '@opentelemetry/api';
import { collect, loadLocalFixture, setup, type Harness, type SdkMajor } from './helpers.ts';

/** A tool the SDK calls by itself (automatic function calling): every call answers with the same weather. */
const weatherTool = {
  tool: () =>
    Promise.resolve({
      functionDeclarations: [
        {
          name: 'get_weather',
          description: 'Current weather in a city',
          parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] },
        },
      ],
    }),
  callTool: (calls: { name?: string }[]) =>
    Promise.resolve(
      calls.map((c) => ({ functionResponse: { name: c.name, response: { celsius: 21, sky: 'sunny' } } })),
    ),
};

for (const major of [3, 1] as SdkMajor[]) {
  describe(`chat sessions and multi-request calls, @google/genai v${major}`, () => {
    let h: Harness;
    before(async () => {
      h = await setup({ captureMessageContent: true }, major);
    });
    after(() => h.close());

    test('each sendMessage is exactly one span, carrying that request’s history and usage', async () => {
      h.reset();
      const turns = [loadLocalFixture('gcp.gemini', 'chat-1'), loadLocalFixture('gcp.gemini', 'chat-2')];
      h.fake.enqueue(...turns);
      const sentBefore = h.fake.requests.length;
      const chat = h.gemini().chats.create({ model: 'gemini-2.0-flash' });
      const first = await chat.sendMessage({ message: 'I have 2 dogs in my house.' });
      const second = await chat.sendMessage({ message: 'How many paws are in my house?' });
      assert.equal(first.text, 'That’s nice! What are their names?'.replace('’', "'"));
      assert.equal(second.text, 'There are 8 paws in your house.');

      const spans = await h.waitForSpans(2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(h.spans().length, 2, 'one span per request, no wrapper span for the chat call');
      for (const [i, span] of spans.entries()) {
        const fixture = turns[i]!;
        assert.equal(span.name, 'generate_content gemini-2.0-flash');
        assert.equal(span.attributes['gen_ai.usage.input_tokens'], fixture.usage!.input_tokens);
        assert.equal(span.attributes['gen_ai.usage.output_tokens'], fixture.usage!.output_tokens);
        assert.deepEqual(h.fake.requests[sentBefore + i]!.body, fixture.request.body);
        const input = JSON.parse(span.attributes['gen_ai.input.messages'] as string) as { role: string }[];
        assert.equal(input.length, (fixture.request.body as { contents: unknown[] }).contents.length);
      }
      const history = JSON.parse(spans[1]!.attributes['gen_ai.input.messages'] as string) as unknown;
      assert.deepEqual(history, [
        { role: 'user', parts: [{ type: 'text', content: 'I have 2 dogs in my house.' }] },
        { role: 'assistant', parts: [{ type: 'text', content: "That's nice! What are their names?" }] },
        { role: 'user', parts: [{ type: 'text', content: 'How many paws are in my house?' }] },
      ]);
      const output = JSON.parse(spans[1]!.attributes['gen_ai.output.messages'] as string) as unknown;
      assert.deepEqual(output, [
        {
          role: 'assistant',
          parts: [{ type: 'text', content: 'There are 8 paws in your house.' }],
          finish_reason: 'stop',
        },
      ]);
    });

    test('sendMessageStream is exactly one span, ended when the stream is', async () => {
      h.reset();
      h.fake.enqueue(loadLocalFixture('gcp.gemini', 'stream-generate-content'));
      const chat = h.gemini().chats.create({ model: 'gemini-2.0-flash' });
      const stream = await chat.sendMessageStream({
        message: 'Which ocean contains Bouvet Island? Answer in up to 3 words.',
      });
      assert.equal(h.spans().length, 0, 'the span is still open while the stream is');
      const text = (await collect(stream)).map((c) => c.text).join('');
      assert.equal(text, 'South Atlantic Ocean.\n');
      const spans = await h.waitForSpans(1);
      assert.equal(spans.length, 1);
      assert.equal(spans[0]!.attributes['gen_ai.usage.output_tokens'], 5);
      const output = JSON.parse(spans[0]!.attributes['gen_ai.output.messages'] as string) as unknown;
      assert.deepEqual(output, [
        { role: 'assistant', parts: [{ type: 'text', content: 'South Atlantic Ocean.\n' }], finish_reason: 'stop' },
      ]);
      // The chat recorded the streamed turn in its history, which it does only once the stream is done.
      const history = chat.getHistory();
      assert.equal(history[0]?.role, 'user');
      assert.ok(history.length > 1 && history.slice(1).every((c) => c.role === 'model'));
    });

    test('automatic function calling: one span per request the SDK makes, both children of the app’s span', async () => {
      h.reset();
      const exchanges = [loadLocalFixture('gcp.gemini', 'afc-1'), loadLocalFixture('gcp.gemini', 'afc-2')];
      h.fake.enqueue(...exchanges);
      const sentBefore = h.fake.requests.length;
      const parent = h.tracer.startSpan('app');
      const result = await context.with(trace.setSpan(context.active(), parent), () =>
        h.gemini().models.generateContent({
          model: 'gemini-2.0-flash',
          contents: 'What is the weather in Boston?',
          config: { tools: [weatherTool as never] },
        }),
      );
      parent.end();
      assert.equal(result.text, 'It is 21°C and sunny in Boston.');
      assert.equal(h.fake.requests.length - sentBefore, 2);
      const spans = (await h.waitForSpans(3)).filter((s) => s.name !== 'app');
      assert.equal(spans.length, 2);
      for (const [i, span] of spans.entries()) {
        assert.equal(span.parentSpanContext?.spanId, parent.spanContext().spanId);
        assert.equal(span.attributes['gen_ai.usage.input_tokens'], exchanges[i]!.usage!.input_tokens);
        assert.deepEqual(h.fake.requests[sentBefore + i]!.body, exchanges[i]!.request.body);
      }
      const call = JSON.parse(spans[0]!.attributes['gen_ai.output.messages'] as string) as unknown;
      assert.deepEqual(call, [
        {
          role: 'assistant',
          parts: [{ type: 'tool_call', name: 'get_weather', arguments: { city: 'Boston' } }],
          finish_reason: 'stop',
        },
      ]);
      const input = JSON.parse(spans[1]!.attributes['gen_ai.input.messages'] as string) as { role: string }[];
      assert.deepEqual(
        input.map((m) => m.role),
        ['user', 'assistant', 'tool'],
      );
    });
  });
}

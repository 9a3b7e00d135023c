import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { cohereFixture, collect, NO_RETRIES, settle, setup, type Harness } from './helpers.ts';

const SYSTEM = 'You are a concise assistant.';
const QUESTION = 'Name the three primary colours.';
const MESSAGES = [
  { role: 'system' as const, content: SYSTEM },
  { role: 'user' as const, content: QUESTION },
];
const ANSWER = 'Red, yellow and blue are the traditional primary colours; for light they are red, green and blue.';

const CONTENT_ATTRIBUTES = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions'];

describe('content capture', () => {
  let h: Harness | undefined;
  const previous = process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
  after(async () => {
    await h?.close();
    if (previous === undefined) delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    else process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = previous;
  });

  async function oneSpan(harness: Harness) {
    const [span] = await harness.waitForSpans(1);
    await settle();
    assert.equal(harness.spans().length, 1);
    return span!;
  }

  it('is off by default: no prompt or completion text on the span', async () => {
    delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    h = await setup();
    h.fake.enqueue(cohereFixture('chat'), cohereFixture('chat-stream'));
    await h.client().chat({ model: 'command-a-03-2025', messages: MESSAGES }, NO_RETRIES);
    const span = await oneSpan(h);
    for (const key of CONTENT_ATTRIBUTES) assert.equal(span.attributes[key], undefined, key);
    const serialized = JSON.stringify(span.attributes);
    assert.ok(!serialized.includes(QUESTION) && !serialized.includes('traditional primary'));
    h.reset();
    await collect(await h.client().chatStream({ model: 'command-a-03-2025', messages: MESSAGES }, NO_RETRIES));
    assert.ok(!JSON.stringify((await oneSpan(h)).attributes).includes('Bonjour'));
    await h.close();
    h = undefined;
  });

  it('when on: input and output messages in the conventions shape', async () => {
    h = await setup({ captureMessageContent: true });
    h.fake.enqueue(cohereFixture('chat'));
    await h.client().chat({ model: 'command-a-03-2025', messages: MESSAGES }, NO_RETRIES);
    const span = await oneSpan(h);
    assert.deepEqual(JSON.parse(span.attributes['gen_ai.input.messages'] as string), [
      { role: 'system', parts: [{ type: 'text', content: SYSTEM }] },
      { role: 'user', parts: [{ type: 'text', content: QUESTION }] },
    ]);
    assert.deepEqual(JSON.parse(span.attributes['gen_ai.output.messages'] as string), [
      { role: 'assistant', parts: [{ type: 'text', content: ANSWER }], finish_reason: 'COMPLETE' },
    ]);
  });

  it('when on: a streamed answer is assembled from its deltas; a tool plan and tool calls are kept', async () => {
    h!.reset();
    h!.fake.enqueue(cohereFixture('chat-stream'), cohereFixture('chat-tool-call-cached'));
    await collect(await h!.client().chatStream({ model: 'command-a-03-2025', messages: MESSAGES }, NO_RETRIES));
    const streamed = await oneSpan(h!);
    assert.deepEqual(JSON.parse(streamed.attributes['gen_ai.output.messages'] as string), [
      { role: 'assistant', parts: [{ type: 'text', content: 'Bonjour le monde !' }], finish_reason: 'COMPLETE' },
    ]);
    h!.reset();
    await h!.client().chat({ model: 'command-a-03-2025', messages: MESSAGES }, NO_RETRIES);
    const tools = await oneSpan(h!);
    assert.deepEqual(JSON.parse(tools.attributes['gen_ai.output.messages'] as string), [
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'I will look up the weather in Toronto.' },
          {
            type: 'tool_call',
            id: 'get_weather_k4x9ph2ta0fw',
            name: 'get_weather',
            arguments: { location: 'Toronto' },
          },
        ],
        finish_reason: 'TOOL_CALL',
      },
    ]);
  });

  it('the env var turns it on when the config does not say', async () => {
    await h!.close();
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
    h = await setup();
    h.fake.enqueue(cohereFixture('chat'));
    await h.client().chat({ model: 'command-a-03-2025', messages: [{ role: 'user', content: QUESTION }] }, NO_RETRIES);
    const span = await oneSpan(h);
    assert.deepEqual(JSON.parse(span.attributes['gen_ai.input.messages'] as string), [
      { role: 'user', parts: [{ type: 'text', content: QUESTION }] },
    ]);
  });
});

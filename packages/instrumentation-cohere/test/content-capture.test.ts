import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { assertNoContent, savedEnv } from '@llmtel/test-utils';
import { cohereFixture, collect, NO_RETRIES, setup, type Harness } from './helpers.ts';

const SYSTEM = 'You are a concise assistant.';
const QUESTION = 'Name the three primary colours.';
const MESSAGES = [
  { role: 'system' as const, content: SYSTEM },
  { role: 'user' as const, content: QUESTION },
];
const ANSWER = 'Red, yellow and blue are the traditional primary colours; for light they are red, green and blue.';

describe('content capture', () => {
  let h: Harness | undefined;
  const restoreEnv = savedEnv('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT');
  after(async () => {
    await h?.close();
    restoreEnv();
  });

  it('is off by default: no prompt or completion text on the span', async () => {
    delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    h = await setup();
    h.fake.enqueue(cohereFixture('chat'), cohereFixture('chat-stream'));
    await h.client().chat({ model: 'command-a-03-2025', messages: MESSAGES }, NO_RETRIES);
    const span = await h.theSpan();
    assertNoContent(span.attributes, [QUESTION, 'traditional primary']);
    h.reset();
    await collect(await h.client().chatStream({ model: 'command-a-03-2025', messages: MESSAGES }, NO_RETRIES));
    assertNoContent((await h.theSpan()).attributes, ['Bonjour']);
    await h.close();
    h = undefined;
  });

  it('when on: input and output messages in the conventions shape', async () => {
    h = await setup({ captureMessageContent: true });
    h.fake.enqueue(cohereFixture('chat'));
    await h.client().chat({ model: 'command-a-03-2025', messages: MESSAGES }, NO_RETRIES);
    const span = await h.theSpan();
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
    const streamed = await h!.theSpan();
    assert.deepEqual(JSON.parse(streamed.attributes['gen_ai.output.messages'] as string), [
      { role: 'assistant', parts: [{ type: 'text', content: 'Bonjour le monde !' }], finish_reason: 'COMPLETE' },
    ]);
    h!.reset();
    await h!.client().chat({ model: 'command-a-03-2025', messages: MESSAGES }, NO_RETRIES);
    const tools = await h!.theSpan();
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
    const span = await h.theSpan();
    assert.deepEqual(JSON.parse(span.attributes['gen_ai.input.messages'] as string), [
      { role: 'user', parts: [{ type: 'text', content: QUESTION }] },
    ]);
  });
});

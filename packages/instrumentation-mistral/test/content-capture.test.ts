import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { assertNoContent, savedEnv } from '@llmtel/test-utils';
import { collect, mistralFixture, setup, type Harness } from './helpers.ts';

const SYSTEM = 'You are a concise assistant.';
const QUESTION = 'Name the three primary colours.';
const MESSAGES = [
  { role: 'system' as const, content: SYSTEM },
  { role: 'user' as const, content: QUESTION },
];

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
    h.fake.enqueue(mistralFixture('chat-completion'), mistralFixture('chat-completion-stream'));
    await h.client().chat.complete({ model: 'mistral-small-latest', messages: MESSAGES });
    const span = await h.theSpan();
    assertNoContent(span.attributes, [QUESTION, 'primary colours are']);
    h.reset();
    await collect(await h.client().chat.stream({ model: 'mistral-small-latest', messages: MESSAGES }));
    assertNoContent((await h.theSpan()).attributes, ['Bonjour']);
    await h.close();
    h = undefined;
  });

  it('when on: input and output messages in the conventions shape', async () => {
    h = await setup({ captureMessageContent: true });
    h.fake.enqueue(mistralFixture('chat-completion'));
    await h.client().chat.complete({ model: 'mistral-small-latest', messages: MESSAGES });
    const span = await h.theSpan();
    assert.deepEqual(JSON.parse(span.attributes['gen_ai.input.messages'] as string), [
      { role: 'system', parts: [{ type: 'text', content: SYSTEM }] },
      { role: 'user', parts: [{ type: 'text', content: QUESTION }] },
    ]);
    assert.deepEqual(JSON.parse(span.attributes['gen_ai.output.messages'] as string), [
      {
        role: 'assistant',
        parts: [
          {
            type: 'text',
            content:
              'The three primary colours are red, yellow and blue (RYB); in light (RGB) they are red, green and blue.',
          },
        ],
        finish_reason: 'stop',
      },
    ]);
  });

  it('when on: a streamed answer is assembled from its chunks; tool calls become tool_call parts', async () => {
    h!.reset();
    h!.fake.enqueue(mistralFixture('chat-completion-stream'), mistralFixture('chat-completion-cached-tool-call'));
    await collect(await h!.client().chat.stream({ model: 'mistral-small-latest', messages: MESSAGES }));
    const streamed = await h!.theSpan();
    assert.deepEqual(JSON.parse(streamed.attributes['gen_ai.output.messages'] as string), [
      { role: 'assistant', parts: [{ type: 'text', content: 'Bonjour le monde !' }], finish_reason: 'stop' },
    ]);
    h!.reset();
    await h!.client().chat.complete({ model: 'mistral-large-latest', messages: MESSAGES });
    const tools = await h!.theSpan();
    assert.deepEqual(JSON.parse(tools.attributes['gen_ai.output.messages'] as string), [
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'D681PevKs', name: 'get_order_status', arguments: { order_id: 'A-1042' } }],
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('the env var turns it on when the config does not say', async () => {
    await h!.close();
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
    h = await setup();
    h.fake.enqueue(mistralFixture('fim-completion'));
    await h.client().fim.complete({ model: 'codestral-latest', prompt: 'def fibonacci(n: int):', suffix: 'print(1)' });
    const span = await h.theSpan();
    assert.deepEqual(JSON.parse(span.attributes['gen_ai.input.messages'] as string), [
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'def fibonacci(n: int):' },
          { type: 'text', content: 'print(1)' },
        ],
      },
    ]);
  });
});

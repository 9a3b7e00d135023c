import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { loadFixture } from '@llmtel/test-utils';
import { LANGCHAIN_SCOPE, one, setup, type Harness } from './helpers.ts';

describe('content capture', () => {
  let h: Harness;
  before(async () => {
    h = await setup(
      {
        captureMessageContent: true,
        contentRedactor: (text) => text.replaceAll('New York City', '[city]'),
      },
      { instrumentOpenAI: false },
    );
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  it('model runs: system instructions, input and output messages (tool calls included), redacted', async () => {
    const fixture = loadFixture('openai', 'chat-completions-records-tool-calls-1');
    h.fake.enqueue(fixture);
    const model = new h.m.ChatOpenAI(h.chatOpenAI('gpt-4o-mini')).bindTools([
      {
        type: 'function',
        function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
      },
    ]);
    await model.invoke([
      ['system', 'You are a helpful assistant providing weather updates.'],
      ['human', 'What is the weather in New York City and London?'],
    ]);

    const span = one(await h.settle(1), 'chat gpt-4o-mini', LANGCHAIN_SCOPE);
    assert.deepEqual(JSON.parse(span.attributes['gen_ai.system_instructions'] as string), [
      { type: 'text', content: 'You are a helpful assistant providing weather updates.' },
    ]);
    assert.deepEqual(JSON.parse(span.attributes['gen_ai.input.messages'] as string), [
      { role: 'user', parts: [{ type: 'text', content: 'What is the weather in [city] and London?' }] },
    ]);
    // Core redacts tool call arguments as their JSON text, and keeps those the redactor left alone as they were.
    assert.deepEqual(JSON.parse(span.attributes['gen_ai.output.messages'] as string), [
      {
        role: 'assistant',
        parts: [
          {
            type: 'tool_call',
            name: 'get_weather',
            arguments: '{"location":"[city]"}',
            id: 'call_PXP2udMH0QECumyxuh4lpn3y',
          },
          {
            type: 'tool_call',
            name: 'get_weather',
            arguments: { location: 'London' },
            id: 'call_TKk9c7b7gvDqCQzv80Loc7fT',
          },
        ],
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('tool runs: arguments and result, redacted', async () => {
    const weather = h.m.tool(() => 'Sunny in New York City', {
      name: 'get_weather',
      description: 'Current weather',
      schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
    });
    await weather.invoke({ location: 'New York City' });
    const span = one(await h.settle(1), 'execute_tool get_weather', LANGCHAIN_SCOPE);
    assert.equal(span.attributes['gen_ai.tool.call.arguments'], '{"location":"[city]"}');
    assert.equal(span.attributes['gen_ai.tool.call.result'], 'Sunny in [city]');
  });
});

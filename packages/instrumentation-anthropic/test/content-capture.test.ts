import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { assertNoContent } from '@llmtel/test-utils';
import { anthropicFixture, collect, requestBodyOf, setup, type Harness } from './helpers.ts';

function json(value: unknown): unknown {
  return JSON.parse(value as string) as unknown;
}

describe('message content capture', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(() => h.close());
  afterEach(() => {
    delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    h.instrumentation.setConfig({});
    h.reset();
  });

  it('is off by default: no prompt, completion or system prompt on the span', async () => {
    const fixture = anthropicFixture('thinking-non-streaming');
    h.fake.enqueue(fixture);
    const body = { ...requestBodyOf(fixture), system: 'You are a careful calculator.' };
    await h.client({ openTelemetry: false }).messages.create(body as never);
    const [span] = await h.waitForSpans(1);
    assertNoContent(span!.attributes, ['careful calculator']);
  });

  it('records a multi-turn thinking conversation in the conventions` shape when turned on in code', async () => {
    h.instrumentation.setConfig({ captureMessageContent: true });
    const first = anthropicFixture('thinking-multi-turn-0');
    const second = anthropicFixture('thinking-multi-turn-1');
    h.fake.enqueue(first, second);
    const client = h.client({ openTelemetry: false });
    const question = { role: 'user', content: 'What is 27 * 453?' };
    const base = { model: 'claude-sonnet-4-6', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 } };
    const turn0 = await client.messages.create({ ...base, system: 'Show your work.', messages: [question] } as never);
    await client.messages.create({
      ...base,
      system: [{ type: 'text', text: 'Show your work.' }],
      messages: [
        question,
        { role: 'assistant', content: turn0.content },
        { role: 'user', content: 'Now divide by 9.' },
      ],
    } as never);
    const spans = await h.waitForSpans(2);
    const a = spans[1]!.attributes;
    assert.deepEqual(json(a['gen_ai.system_instructions']), [{ type: 'text', content: 'Show your work.' }]);
    const input = json(a['gen_ai.input.messages']) as { role: string; parts: { type: string; content?: string }[] }[];
    assert.deepEqual(
      input.map((m) => [m.role, m.parts.map((p) => p.type)]),
      [
        ['user', ['text']],
        ['assistant', ['reasoning', 'text']],
        ['user', ['text']],
      ],
    );
    assert.match(input[1]!.parts[0]!.content!, /27 \* 453/);
    const output = json(a['gen_ai.output.messages']) as { role: string; finish_reason: string; parts: unknown[] }[];
    assert.equal(output.length, 1);
    assert.equal(output[0]!.role, 'assistant');
    assert.equal(output[0]!.finish_reason, 'stop');
    const body = second.response.body as { content: { thinking?: string; text?: string }[] };
    assert.deepEqual(output[0]!.parts, [
      { type: 'reasoning', content: body.content[0]!.thinking },
      { type: 'text', content: body.content[1]!.text },
    ]);
  });

  it('rebuilds a streamed tool call, with its arguments parsed, when turned on by the env var', async () => {
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
    h.instrumentation.setConfig({});
    const fixture = anthropicFixture('reasoning-tool-use-streaming');
    h.fake.enqueue(fixture);
    const stream = await h.client({ openTelemetry: false }).messages.create(requestBodyOf(fixture) as never);
    await collect(stream as unknown as AsyncIterable<unknown>);
    const [span] = await h.waitForSpans(1);
    const output = json(span!.attributes['gen_ai.output.messages']) as {
      finish_reason: string;
      parts: Record<string, unknown>[];
    }[];
    assert.equal(output[0]!.finish_reason, 'tool_call');
    assert.deepEqual(output[0]!.parts, [
      {
        type: 'reasoning',
        content:
          'The user wants to know the weather in San Francisco. I have all the required parameters to make the function call.',
      },
      { type: 'text', content: 'Sure! Let me check the weather in San Francisco for you!' },
      {
        type: 'tool_call',
        id: 'toolu_01X1PSFUkNua9EZHLVHwy6T4',
        name: 'get_weather',
        arguments: { location: 'San Francisco' },
      },
    ]);
    assert.deepEqual(span!.attributes['gen_ai.response.finish_reasons'], ['tool_use']);
  });

  it('records tool calls and the tool results sent back as tool_call / tool_call_response parts', async () => {
    h.instrumentation.setConfig({ captureMessageContent: true });
    const fixture = anthropicFixture('thinking-non-streaming');
    h.fake.enqueue(fixture);
    await h.client({ openTelemetry: false }).messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'SF' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'Sunny, 68°F' }] },
      ],
    } as never);
    const [span] = await h.waitForSpans(1);
    const input = json(span!.attributes['gen_ai.input.messages']) as { parts: Record<string, unknown>[] }[];
    assert.deepEqual(input[1]!.parts[0], {
      type: 'tool_call',
      id: 'toolu_1',
      name: 'get_weather',
      arguments: { location: 'SF' },
    });
    assert.deepEqual(input[2]!.parts[0], { type: 'tool_call_response', id: 'toolu_1', response: 'Sunny, 68°F' });
  });
});

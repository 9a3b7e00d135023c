import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from '@llmtel/test-utils';
import { asStream, collect, only, setup, type Harness } from './helpers.ts';

const ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
});
afterEach(() => {
  delete process.env[ENV];
  h.instrumentation.setConfig({});
});

function parsed(value: unknown): unknown {
  assert.equal(typeof value, 'string', 'content attributes are JSON strings');
  return JSON.parse(value as string);
}

async function chat(name: string): Promise<Record<string, unknown>> {
  const fixture = loadFixture('openai', name);
  h.fake.enqueue(fixture);
  const result = await h.client().chat.completions.create(fixture.request.body as never);
  if (fixture.stream) await collect(asStream(result));
  return only(await h.settle(1)).attributes;
}

describe('content capture', () => {
  test('is off by default', async () => {
    const a = await chat('chat-completions-adds-genai-conventions-with-system-message');
    assert.equal(a['gen_ai.input.messages'], undefined);
    assert.equal(a['gen_ai.output.messages'], undefined);
  });

  test('captureMessageContent: true records the chat as message JSON', async () => {
    h.instrumentation.setConfig({ captureMessageContent: true });
    const a = await chat('chat-completions-adds-genai-conventions-with-system-message');
    assert.deepEqual(parsed(a['gen_ai.input.messages']), [
      {
        role: 'system',
        parts: [{ type: 'text', content: 'You are an assistant which just answers every query with tomato' }],
      },
      { role: 'user', parts: [{ type: 'text', content: 'Say something' }] },
    ]);
    assert.deepEqual(parsed(a['gen_ai.output.messages']), [
      { role: 'assistant', parts: [{ type: 'text', content: 'Tomato.' }], finish_reason: 'stop' },
    ]);
  });

  test('the env var turns it on; code wins over the env var', async () => {
    process.env[ENV] = 'true';
    h.instrumentation.setConfig({});
    const on = await chat('chat-completions-adds-genai-conventions');
    assert.ok(typeof on['gen_ai.input.messages'] === 'string');

    await h.reset();
    h.instrumentation.setConfig({ captureMessageContent: false });
    const off = await chat('chat-completions-adds-genai-conventions');
    assert.equal(off['gen_ai.input.messages'], undefined);
  });

  test('tool calls and tool results', async () => {
    h.instrumentation.setConfig({ captureMessageContent: true });
    const name = 'chat-completions-with-content-capture-records-tool-calls-2';
    const sent = (loadFixture('openai', name).request.body as { messages: Record<string, never>[] }).messages;
    const calls = sent[2]!.tool_calls as unknown as { id: string; function: { name: string; arguments: string } }[];
    const a = await chat(name);
    const input = parsed(a['gen_ai.input.messages']) as unknown[];
    assert.deepEqual(input[2], {
      role: 'assistant',
      parts: calls.map((c) => ({
        type: 'tool_call',
        id: c.id,
        name: c.function.name,
        arguments: JSON.parse(c.function.arguments) as unknown,
      })),
    });
    assert.deepEqual(input[3], {
      role: 'tool',
      parts: [{ type: 'tool_call_response', id: sent[3]!.tool_call_id, response: sent[3]!.content }],
    });
  });

  test('a streamed answer is captured whole, tool call arguments reassembled', async () => {
    h.instrumentation.setConfig({ captureMessageContent: true });
    const text = await chat('streaming-chat-completions-with-content-capture-adds-genai-conventions');
    const [message] = parsed(text['gen_ai.output.messages']) as {
      parts: { content: string }[];
      finish_reason: string;
    }[];
    assert.ok(message!.parts[0]!.content.length > 0);
    assert.equal(message!.finish_reason, 'stop');

    await h.reset();
    const tools = await chat('streaming-chat-completions-with-content-capture-records-tool-calls-1');
    const [toolMessage] = parsed(tools['gen_ai.output.messages']) as { parts: Record<string, unknown>[] }[];
    assert.deepEqual(
      toolMessage!.parts.map((p) => [p.type, p.name, p.arguments]),
      [
        ['tool_call', 'get_weather', { location: 'New York City' }],
        ['tool_call', 'get_weather', { location: 'London' }],
      ],
    );
  });

  test('Responses instructions are the system instructions', async () => {
    h.instrumentation.setConfig({ captureMessageContent: true });
    const fixture = loadFixture('openai', 'responses-create-basic');
    h.fake.enqueue(fixture);
    await h.client().responses.create(fixture.request.body as never);
    const a = only(await h.settle(1)).attributes;
    const body = fixture.request.body as { instructions: string; input: string };
    assert.deepEqual(parsed(a['gen_ai.system_instructions']), [{ type: 'text', content: body.instructions }]);
    assert.deepEqual(parsed(a['gen_ai.input.messages']), [
      { role: 'user', parts: [{ type: 'text', content: body.input }] },
    ]);
    assert.deepEqual(parsed(a['gen_ai.output.messages']), [
      { role: 'assistant', parts: [{ type: 'text', content: 'This is a test.' }], finish_reason: 'stop' },
    ]);
  });

  test('the redaction hook rewrites every captured text', async () => {
    const seen: string[] = [];
    h.instrumentation.setConfig({
      captureMessageContent: true,
      contentRedactor: (text, field) => {
        seen.push(field);
        return text.replace(/tomato/gi, '[fruit]');
      },
    });
    const a = await chat('chat-completions-adds-genai-conventions-with-system-message');
    assert.ok(!String(a['gen_ai.input.messages']).toLowerCase().includes('tomato'));
    assert.ok(String(a['gen_ai.output.messages']).includes('[fruit].'));
    assert.ok(seen.includes('input') && seen.includes('output'));
  });

  test('maxContentLength caps each attribute, keeping valid JSON', async () => {
    h.instrumentation.setConfig({ captureMessageContent: true, maxContentLength: 120 });
    const fixture = loadFixture('openai', 'chat-completions-adds-genai-conventions');
    h.fake.enqueue(fixture);
    await h.client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x'.repeat(5000) }],
    });
    const value = only(await h.settle(1)).attributes['gen_ai.input.messages'] as string;
    assert.ok(value.length <= 120, `length ${value.length}`);
    assert.ok(Array.isArray(JSON.parse(value)));
  });

  test('a bad value in code throws', () => {
    assert.throws(() => h.instrumentation.setConfig({ maxContentLength: -1 }), RangeError);
    assert.throws(() => h.instrumentation.setConfig({ contentRedactor: 'x' as never }), TypeError);
    assert.throws(() => h.instrumentation.setConfig({ enrichStreamUsage: 'yes' as never }), TypeError);
  });
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { loadFixture, syntheticChatCompletion } from '@llmtel/test-utils';
import {
  billable,
  byName,
  isChildOf,
  LANGCHAIN_SCOPE,
  one,
  OPENAI_SCOPE,
  parentOf,
  setup,
  tokenTotals,
  type Harness,
} from './helpers.ts';

const WEATHER_SCHEMA = {
  type: 'object',
  properties: { location: { type: 'string' } },
  required: ['location'],
  additionalProperties: false,
};

/** The first ancestor of `span` named `name` (or undefined). */
function ancestorNamed(spans: Parameters<typeof parentOf>[0], span: Parameters<typeof parentOf>[1], name: string) {
  for (let p = parentOf(spans, span); p !== undefined; p = parentOf(spans, p)) if (p.name === name) return p;
  return undefined;
}

describe('LangChain agents and tools', () => {
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

  it('createAgent with a tool: invoke_agent, execute_tool per call, one billable span per model request', async () => {
    // A recorded tool-call round trip: two get_weather calls, then the answer.
    h.fake.enqueue(
      loadFixture('openai', 'chat-completions-records-tool-calls-1'),
      loadFixture('openai', 'chat-completions-records-tool-calls-2'),
    );
    const getWeather = h.m.tool(
      ({ location }: { location: string }) =>
        location === 'London' ? '15 degrees and raining' : '25 degrees and sunny',
      { name: 'get_weather', description: 'Current weather of a location', schema: WEATHER_SCHEMA },
    );
    const agent = h.m.createAgent({
      model: new h.m.ChatOpenAI(h.chatOpenAI('gpt-4o-mini')),
      tools: [getWeather],
      name: 'weather_bot',
    });
    const result = await agent.invoke({
      messages: [{ role: 'user', content: 'What is the weather in New York City and London?' }],
    });
    assert.match(String(result.messages.at(-1).content), /25 degrees and sunny.*15 degrees and raining/);

    const spans = await h.settle(7);
    const agentSpan = one(spans, 'invoke_agent weather_bot', LANGCHAIN_SCOPE);
    assert.equal(agentSpan.kind, SpanKind.INTERNAL);
    assert.equal(agentSpan.parentSpanContext, undefined);
    assert.equal(agentSpan.attributes['gen_ai.operation.name'], 'invoke_agent');
    assert.equal(agentSpan.attributes['gen_ai.agent.name'], 'weather_bot');

    const tools = byName(spans, 'execute_tool get_weather', LANGCHAIN_SCOPE);
    assert.deepEqual(tools.map((t) => t.attributes['gen_ai.tool.call.id']).sort(), [
      'call_PXP2udMH0QECumyxuh4lpn3y',
      'call_TKk9c7b7gvDqCQzv80Loc7fT',
    ]);
    for (const t of tools) {
      assert.equal(t.kind, SpanKind.INTERNAL);
      assert.equal(t.attributes['gen_ai.operation.name'], 'execute_tool');
      assert.equal(t.attributes['gen_ai.tool.name'], 'get_weather');
      assert.equal(t.attributes['gen_ai.tool.type'], 'function');
      assert.equal(t.attributes['gen_ai.tool.call.arguments'], undefined, 'content capture is off by default');
      assert.equal(ancestorNamed(spans, t, 'invoke_agent weather_bot'), agentSpan);
    }

    const lcChats = byName(spans, 'chat gpt-4o-mini', LANGCHAIN_SCOPE);
    const sdkChats = byName(spans, 'chat gpt-4o-mini', OPENAI_SCOPE);
    assert.equal(lcChats.length, 2);
    assert.equal(sdkChats.length, 2);
    for (const sdk of sdkChats) {
      const lc = parentOf(spans, sdk);
      assert.ok(lc && lcChats.includes(lc), 'each provider request nests under its LangChain model run');
      assert.equal(ancestorNamed(spans, lc, 'invoke_agent weather_bot'), agentSpan);
      assert.equal(sdk.attributes['gen_ai.agent.name'], 'weather_bot');
      assert.equal(lc.attributes['gen_ai.agent.name'], 'weather_bot');
    }
    assert.deepEqual(
      billable(spans)
        .map((s) => [s.instrumentationScope.name, s.attributes['gen_ai.usage.input_tokens']])
        .sort(),
      [
        [OPENAI_SCOPE, 125],
        [OPENAI_SCOPE, 57],
      ],
    );
    const totals = await tokenTotals(h, 'gpt-4o-mini');
    assert.deepEqual(totals.input, { count: 2, sum: 57 + 125 });
    assert.deepEqual(totals.output, { count: 2, sum: 46 + 26 });
  });

  it('a tool that calls the openai SDK: the request nests under the execute_tool span', async () => {
    h.fake.enqueue(syntheticChatCompletion({ model: 'tool-inner', usage: { input_tokens: 4, output_tokens: 2 } }));
    const client = new h.m.OpenAI({ apiKey: 'test-key', baseURL: `${h.fake.url}/v1`, maxRetries: 0 });
    const summarize = h.m.tool(
      async ({ text }: { text: string }) => {
        const completion = await client.chat.completions.create({
          model: 'tool-inner',
          messages: [{ role: 'user', content: `Summarize: ${text}` }],
        });
        return completion.choices[0].message.content;
      },
      {
        name: 'summarize',
        description: 'Summarizes a text',
        schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      },
    );
    await summarize.invoke({ text: 'a long story' });

    const spans = await h.settle(2);
    const toolSpan = one(spans, 'execute_tool summarize', LANGCHAIN_SCOPE);
    const sdkChat = one(spans, 'chat tool-inner', OPENAI_SCOPE);
    assert.ok(isChildOf(sdkChat, toolSpan));
    assert.deepEqual(billable(spans), [sdkChat]);
  });

  it('a StructuredTool subclass: its _call runs in the tool span too, and a failure marks it', async () => {
    h.fake.enqueue(syntheticChatCompletion({ model: 'class-tool' }));
    const client = new h.m.OpenAI({ apiKey: 'test-key', baseURL: `${h.fake.url}/v1`, maxRetries: 0 });
    class Lookup extends h.m.StructuredTool {
      name = 'lookup';
      description = 'Looks something up';
      schema = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] };
      async _call({ q }: { q: string }) {
        if (q === 'fail') throw new TypeError('lookup failed');
        const completion = await client.chat.completions.create({
          model: 'class-tool',
          messages: [{ role: 'user', content: q }],
        });
        return completion.choices[0].message.content;
      }
    }
    const lookup = new Lookup();
    await lookup.invoke({ q: 'hello' });
    await assert.rejects(lookup.invoke({ q: 'fail' }), TypeError);

    const spans = await h.settle(3);
    const toolSpans = byName(spans, 'execute_tool lookup', LANGCHAIN_SCOPE);
    assert.equal(toolSpans.length, 2);
    const sdkChat = one(spans, 'chat class-tool', OPENAI_SCOPE);
    const ok = parentOf(spans, sdkChat);
    assert.ok(ok && toolSpans.includes(ok));
    const failed = toolSpans.find((t) => t !== ok)!;
    assert.equal(failed.status.code, SpanStatusCode.ERROR);
    assert.equal(failed.attributes['error.type'], 'TypeError');
  });
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { withLlmContext } from '@llmtel/core';
import { loadFixture, syntheticChatCompletion, syntheticChatCompletionStream } from '@llmtel/test-utils';
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

// LangChain's ChatOpenAI over the openai SDK, both instrumented: the openai span is the provider request and owns
// its usage; the LangChain span is its parent and is not billable.
describe('LangChain over an instrumented provider SDK', () => {
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

  it('a chain: one billable span per request, the openai span a child of the LangChain chat span', async () => {
    h.fake.enqueue(
      syntheticChatCompletion({
        model: 'lc-invoke',
        // Priced by the response model: the request model is unique to this test, for its metric data points.
        responseModel: 'gpt-4o-mini-2024-07-18',
        usage: { input_tokens: 20, output_tokens: 7 },
      }),
    );
    const model = new h.m.ChatOpenAI(h.chatOpenAI('lc-invoke', { temperature: 0.3 }));
    const prompt = h.m.ChatPromptTemplate.fromMessages([
      ['system', 'Be brief.'],
      ['human', '{question}'],
    ]);
    const answer = await prompt.pipe(model).invoke({ question: 'Hello?' });
    assert.equal(answer.content, 'Hello from a synthetic completion.');

    const spans = await h.settle(4);
    const sequence = one(spans, 'RunnableSequence', LANGCHAIN_SCOPE);
    const template = one(spans, 'ChatPromptTemplate', LANGCHAIN_SCOPE);
    const lcChat = one(spans, 'chat lc-invoke', LANGCHAIN_SCOPE);
    const sdkChat = one(spans, 'chat lc-invoke', OPENAI_SCOPE);
    assert.equal(spans.length, 4);

    assert.equal(sequence.parentSpanContext, undefined);
    assert.ok(isChildOf(template, sequence));
    assert.ok(isChildOf(lcChat, sequence));
    assert.ok(isChildOf(sdkChat, lcChat), 'the provider request nests under the LangChain model run');

    assert.deepEqual(billable(spans), [sdkChat]);
    assert.equal(lcChat.attributes['llmtel.usage.billable'], false);
    assert.equal(lcChat.attributes['llmtel.usage.cost_usd'], undefined);
    assert.equal(typeof sdkChat.attributes['llmtel.usage.cost_usd'], 'number');

    assert.equal(lcChat.kind, SpanKind.CLIENT);
    assert.equal(lcChat.attributes['gen_ai.operation.name'], 'chat');
    assert.equal(lcChat.attributes['gen_ai.provider.name'], 'openai');
    assert.equal(lcChat.attributes['gen_ai.request.model'], 'lc-invoke');
    assert.equal(lcChat.attributes['gen_ai.request.temperature'], 0.3);
    assert.equal(lcChat.attributes['gen_ai.response.model'], 'gpt-4o-mini-2024-07-18');
    assert.equal(lcChat.attributes['gen_ai.response.id'], sdkChat.attributes['gen_ai.response.id']);
    assert.deepEqual(lcChat.attributes['gen_ai.response.finish_reasons'], ['stop']);
    assert.equal(lcChat.attributes['gen_ai.usage.input_tokens'], 20, 'the wrapper still shows what the request used');
    assert.equal(lcChat.attributes['gen_ai.usage.output_tokens'], 7);
    assert.equal(sdkChat.attributes['gen_ai.usage.input_tokens'], 20);

    const totals = await tokenTotals(h, 'lc-invoke');
    assert.deepEqual(totals.input, { count: 1, sum: 20 }, 'one set of token metrics');
    assert.deepEqual(totals.output, { count: 1, sum: 7 });
    assert.equal(totals.costPoints, 1);
  });

  it('a stream: the same ownership, and the openai span still nests under the LangChain span', async () => {
    h.fake.enqueue(
      syntheticChatCompletionStream({
        model: 'lc-stream',
        chunks: ['Hel', 'lo', '!'],
        includeUsage: true,
        usage: { input_tokens: 11, output_tokens: 3 },
      }),
    );
    const model = new h.m.ChatOpenAI(h.chatOpenAI('lc-stream'));
    let text = '';
    for await (const chunk of await model.stream('Say hello')) text += String(chunk.content);
    assert.equal(text, 'Hello!');

    const spans = await h.settle(2);
    const lcChat = one(spans, 'chat lc-stream', LANGCHAIN_SCOPE);
    const sdkChat = one(spans, 'chat lc-stream', OPENAI_SCOPE);
    assert.ok(isChildOf(sdkChat, lcChat));
    assert.deepEqual(billable(spans), [sdkChat]);
    assert.equal(lcChat.attributes['gen_ai.usage.input_tokens'], 11);
    const totals = await tokenTotals(h, 'lc-stream');
    assert.deepEqual(totals.input, { count: 1, sum: 11 });
    assert.deepEqual(totals.output, { count: 1, sum: 3 });
  });

  it('a batch: each request has its own pair of spans, parented correctly', async () => {
    h.fake.enqueue(
      syntheticChatCompletion({ model: 'lc-batch', usage: { input_tokens: 5, output_tokens: 1 } }),
      syntheticChatCompletion({ model: 'lc-batch', usage: { input_tokens: 6, output_tokens: 2 } }),
    );
    const model = new h.m.ChatOpenAI(h.chatOpenAI('lc-batch'));
    await model.batch(['one', 'two'], { maxConcurrency: 1 });

    const spans = await h.settle(4);
    const lcSpans = byName(spans, 'chat lc-batch', LANGCHAIN_SCOPE);
    const sdkSpans = byName(spans, 'chat lc-batch', OPENAI_SCOPE);
    assert.equal(lcSpans.length, 2);
    assert.equal(sdkSpans.length, 2);
    for (const sdk of sdkSpans) {
      const parent = parentOf(spans, sdk);
      assert.ok(parent && lcSpans.includes(parent));
      assert.equal(parent.attributes['gen_ai.usage.input_tokens'], sdk.attributes['gen_ai.usage.input_tokens']);
    }
    assert.equal(billable(spans).length, 2);
    assert.deepEqual((await tokenTotals(h, 'lc-batch')).input, { count: 2, sum: 11 });
  });

  it('a failed request: both spans record the error, only the provider span is billable', async () => {
    h.fake.enqueue(loadFixture('openai', 'chat-completion-404'));
    const body = loadFixture('openai', 'chat-completion-404').request.body as { model: string };
    const model = new h.m.ChatOpenAI(h.chatOpenAI(body.model));
    await assert.rejects(model.invoke('hi'), (error: Error) => error.message.length > 0);

    const spans = await h.settle(2);
    const lcChat = one(spans, `chat ${body.model}`, LANGCHAIN_SCOPE);
    const sdkChat = one(spans, `chat ${body.model}`, OPENAI_SCOPE);
    assert.ok(isChildOf(sdkChat, lcChat));
    assert.equal(lcChat.status.code, SpanStatusCode.ERROR);
    assert.equal(sdkChat.status.code, SpanStatusCode.ERROR);
    assert.equal(sdkChat.attributes['error.type'], 'model_not_found');
    assert.equal(typeof lcChat.attributes['error.type'], 'string');
    assert.deepEqual(billable(spans), [sdkChat]);
  });

  it('nests under the span active when the app invokes, and carries the attribution in effect', async () => {
    h.fake.enqueue(syntheticChatCompletion({ model: 'lc-attributed' }));
    const model = new h.m.ChatOpenAI(h.chatOpenAI('lc-attributed'));
    const tracer = h.tracerProvider.getTracer('app');
    const request = tracer.startSpan('POST /ask');
    await context.with(trace.setSpan(context.active(), request), () =>
      withLlmContext({ userId: 'user-7', sessionId: 'conv-1' }, () => model.invoke('hi')),
    );
    request.end();

    const spans = await h.settle(3);
    const lcChat = one(spans, 'chat lc-attributed', LANGCHAIN_SCOPE);
    const sdkChat = one(spans, 'chat lc-attributed', OPENAI_SCOPE);
    assert.ok(isChildOf(lcChat, one(spans, 'POST /ask')));
    assert.ok(isChildOf(sdkChat, lcChat));
    for (const span of [lcChat, sdkChat]) {
      assert.equal(span.attributes['user.id'], 'user-7');
      assert.equal(span.attributes['gen_ai.conversation.id'], 'conv-1');
    }
  });

  it('traceChains: false: no chain spans, the model span nests under the nearest traced span', async () => {
    h.langchain.setConfig({ traceChains: false });
    try {
      h.fake.enqueue(syntheticChatCompletion({ model: 'lc-no-chains' }));
      const model = new h.m.ChatOpenAI(h.chatOpenAI('lc-no-chains'));
      const prompt = h.m.ChatPromptTemplate.fromMessages([['human', '{question}']]);
      const request = h.tracerProvider.getTracer('app').startSpan('job');
      await context.with(trace.setSpan(context.active(), request), () =>
        prompt.pipe(model).invoke({ question: 'Hello?' }),
      );
      request.end();

      const spans = await h.settle(3);
      assert.deepEqual(spans.map((s) => s.name).sort(), ['chat lc-no-chains', 'chat lc-no-chains', 'job']);
      const lcChat = one(spans, 'chat lc-no-chains', LANGCHAIN_SCOPE);
      assert.ok(isChildOf(lcChat, one(spans, 'job')));
      assert.ok(isChildOf(one(spans, 'chat lc-no-chains', OPENAI_SCOPE), lcChat));
    } finally {
      h.langchain.setConfig({});
    }
  });

  it('a RunnableLambda that calls the openai SDK itself: its request nests under the lambda run', async () => {
    h.fake.enqueue(syntheticChatCompletion({ model: 'lc-lambda', usage: { input_tokens: 9, output_tokens: 2 } }));
    const client = new h.m.OpenAI({ apiKey: 'test-key', baseURL: `${h.fake.url}/v1`, maxRetries: 0 });
    const lambda = h.m.RunnableLambda.from(async (question: string) => {
      const completion = await client.chat.completions.create({
        model: 'lc-lambda',
        messages: [{ role: 'user', content: question }],
      });
      return completion.choices[0].message.content;
    }).withConfig({ runName: 'ask_directly' });
    await lambda.invoke('hi');

    const spans = await h.settle(2);
    const run = one(spans, 'ask_directly', LANGCHAIN_SCOPE);
    const sdkChat = one(spans, 'chat lc-lambda', OPENAI_SCOPE);
    assert.ok(isChildOf(sdkChat, run));
    assert.deepEqual(billable(spans), [sdkChat]);
  });
});

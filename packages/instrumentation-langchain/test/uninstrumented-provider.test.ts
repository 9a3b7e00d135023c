import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { syntheticChatCompletion, syntheticChatCompletionStream } from '@llmtel/test-utils';
import { billable, LANGCHAIN_SCOPE, one, pointsWhere, setup, tokenTotals, type Harness } from './helpers.ts';

// No instrumentation under the LangChain model (the openai one is not enabled here, and the fetch-based model
// below talks HTTP itself): the LangChain span is the only span of the request and owns its usage.
describe('LangChain over a provider that is not instrumented', () => {
  let h: Harness;
  before(async () => {
    h = await setup({}, { instrumentOpenAI: false });
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  it('ChatOpenAI with the openai SDK uninstrumented: the LangChain span is billable, priced and metered once', async () => {
    h.fake.enqueue(
      syntheticChatCompletion({
        model: 'plain-invoke',
        responseModel: 'gpt-4o-mini-2024-07-18',
        usage: { input_tokens: 1000, output_tokens: 100, cache_read_input_tokens: 400 },
      }),
    );
    const model = new h.m.ChatOpenAI(h.chatOpenAI('plain-invoke'));
    await model.invoke('hi');

    const spans = await h.settle(1);
    const span = one(spans, 'chat plain-invoke', LANGCHAIN_SCOPE);
    assert.equal(spans.length, 1);
    assert.deepEqual(billable(spans), [span]);
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 1000);
    assert.equal(span.attributes['gen_ai.usage.cache_read.input_tokens'], 400);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 100);
    assert.equal(span.attributes['llmtel.usage.estimated'], false);
    const cost = span.attributes['llmtel.usage.cost_usd'];
    assert.equal(typeof cost, 'number');
    assert.ok((cost as number) > 0);

    const totals = await tokenTotals(h, 'plain-invoke');
    assert.deepEqual(totals.input, { count: 1, sum: 1000 });
    assert.deepEqual(totals.output, { count: 1, sum: 100 });
    assert.equal(totals.costPoints, 1);
  });

  it('a streamed run records its chunks: time to first chunk', async () => {
    h.fake.enqueue(
      syntheticChatCompletionStream({
        model: 'plain-stream',
        chunks: 4,
        includeUsage: true,
        usage: { input_tokens: 8, output_tokens: 4 },
      }),
    );
    const model = new h.m.ChatOpenAI(h.chatOpenAI('plain-stream'));
    for await (const _ of await model.stream('hi')) {
      // consume
    }
    const span = one(await h.settle(1), 'chat plain-stream', LANGCHAIN_SCOPE);
    assert.equal(span.attributes['llmtel.usage.billable'], true);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 4);
    const ttfc = pointsWhere((await h.metrics()).get('gen_ai.client.operation.time_to_first_chunk'), {
      'gen_ai.request.model': 'plain-stream',
    });
    assert.equal(ttfc.length, 1);
    assert.equal(ttfc[0]!.value.count, 1);
  });

  it('a fetch-based integration: its provider comes from its LangSmith params, and usage it lacks is estimated', async () => {
    const fake = h.fake;
    // A chat model integration that calls the provider's HTTP API with fetch, as many community integrations do,
    // and reports no usage.
    class FetchChatModel extends h.m.BaseChatModel {
      model = 'fetch-model';
      constructor() {
        super({});
      }
      _llmType() {
        return 'fetch-chat';
      }
      getLsParams() {
        return { ls_provider: 'mistral', ls_model_name: this.model, ls_model_type: 'chat' };
      }
      async _generate(messages: { content: unknown }[]) {
        const response = await fetch(`${fake.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: this.model,
            messages: messages.map((m) => ({ role: 'user', content: m.content })),
          }),
        });
        const body = (await response.json()) as { choices: { message: { content: string } }[] };
        const text = body.choices[0]!.message.content;
        return { generations: [{ text, message: new h.m.AIMessage(text) }] };
      }
    }
    fake.enqueue(syntheticChatCompletion({ model: 'fetch-model', content: 'A fairly short answer.' }));
    await new FetchChatModel().invoke('What is the answer to this question?');

    const spans = await h.settle(1);
    const span = one(spans, 'chat fetch-model', LANGCHAIN_SCOPE);
    assert.equal(span.attributes['gen_ai.provider.name'], 'mistral_ai');
    assert.equal(span.attributes['llmtel.usage.billable'], true);
    assert.equal(span.attributes['llmtel.usage.estimated'], true);
    assert.ok((span.attributes['gen_ai.usage.input_tokens'] as number) > 0);
    assert.ok((span.attributes['gen_ai.usage.output_tokens'] as number) > 0);
  });
});

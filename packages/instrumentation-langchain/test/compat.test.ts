import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { syntheticChatCompletion, syntheticChatCompletionStream } from '@llmtel/test-utils';
import { ATTR_LLMTEL_CACHE_HIT } from '@llmtel/instrumentation-langchain';
import { assertServedFromCache, metricCount, startOrder } from './cache-helpers.ts';
import {
  billable,
  byName,
  isChildOf,
  LANGCHAIN_SCOPE,
  loadCompat,
  one,
  OPENAI_SCOPE,
  setup,
  tokenTotals,
  type Harness,
} from './helpers.ts';

// The lowest supported @langchain/core (1.0, with @langchain/openai 1.0 over openai v6), loaded after the
// instrumentations were enabled, as an app would. The current release is what every other test file runs against.
describe('@langchain/core 1.0', () => {
  let h: Harness;
  let lc: ReturnType<typeof loadCompat>;
  before(async () => {
    h = await setup();
    lc = loadCompat('core-1.0');
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  it('is the release under test', () => {
    assert.equal(lc.coreVersion, '1.0.2');
    assert.equal(lc.openaiVersion.split('.')[0], '6');
  });

  it('a chain and a stream: the openai span nests under the LangChain span and owns the usage', async () => {
    h.fake.enqueue(
      syntheticChatCompletion({ model: 'compat-chain', usage: { input_tokens: 10, output_tokens: 2 } }),
      syntheticChatCompletionStream({
        model: 'compat-chain',
        chunks: ['x', 'y'],
        includeUsage: true,
        usage: { input_tokens: 7, output_tokens: 2 },
      }),
    );
    const model = new lc.ChatOpenAI(h.chatOpenAI('compat-chain'));
    const chain = lc.ChatPromptTemplate.fromMessages([['human', '{q}']]).pipe(model);
    await chain.invoke({ q: 'hi' });
    for await (const _ of await model.stream('hi')) {
      // consume
    }

    const spans = await h.settle(6);
    const lcChats = spans.filter(
      (s) => s.name === 'chat compat-chain' && s.instrumentationScope.name === LANGCHAIN_SCOPE,
    );
    const sdkChats = spans.filter(
      (s) => s.name === 'chat compat-chain' && s.instrumentationScope.name === OPENAI_SCOPE,
    );
    assert.equal(lcChats.length, 2);
    assert.equal(sdkChats.length, 2);
    for (const sdk of sdkChats) assert.ok(lcChats.some((l) => isChildOf(sdk, l)));
    assert.ok(
      isChildOf(
        lcChats.find((l) => isChildOf(l, one(spans, 'RunnableSequence')))!,
        one(spans, 'RunnableSequence'),
      ),
    );
    const ids = (list: typeof spans) => list.map((s) => s.spanContext().spanId).sort();
    assert.deepEqual(ids(billable(spans)), ids(sdkChats));
    assert.deepEqual((await tokenTotals(h, 'compat-chain')).input, { count: 2, sum: 17 });
  });

  it('a cache hit: a span that is not billable, with no usage or metrics; one billable span for the pair', async () => {
    h.fake.enqueue(syntheticChatCompletion({ model: 'compat-cache', usage: { input_tokens: 9, output_tokens: 3 } }));
    const requests = h.fake.requests.length;
    const model = new lc.ChatOpenAI(h.chatOpenAI('compat-cache', { cache: new lc.InMemoryCache() }));
    const first = await model.invoke('cache me');
    assert.equal((await model.invoke('cache me')).content, first.content);
    assert.equal(h.fake.requests.length - requests, 1);

    const spans = await h.settle(3);
    const sdk = one(spans, 'chat compat-cache', OPENAI_SCOPE);
    const [miss, hit] = startOrder(byName(spans, 'chat compat-cache', LANGCHAIN_SCOPE));
    assert.equal(spans.length, 3);
    assert.ok(isChildOf(sdk, miss!));
    assert.equal(miss!.attributes[ATTR_LLMTEL_CACHE_HIT], false);
    assertServedFromCache(hit!);
    assert.deepEqual(billable(spans), [sdk]);
    assert.deepEqual((await tokenTotals(h, 'compat-cache')).input, { count: 1, sum: 9 });
    assert.equal(await metricCount(h, 'gen_ai.client.operation.duration', 'compat-cache'), 1);
  });

  it('a tool: execute_tool span', async () => {
    const echo = lc.tool((input: { text: string }) => input.text, {
      name: 'echo',
      description: 'Echoes',
      schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    });
    assert.equal(await echo.invoke({ text: 'x' }), 'x');
    const span = one(await h.settle(1), 'execute_tool echo', LANGCHAIN_SCOPE);
    assert.equal(span.attributes['gen_ai.tool.name'], 'echo');
  });
});

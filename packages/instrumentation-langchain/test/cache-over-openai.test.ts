import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { syntheticChatCompletion } from '@llmtel/test-utils';
import { ATTR_LLMTEL_CACHE_HIT } from '@llmtel/instrumentation-langchain';
import {
  billable,
  byName,
  isChildOf,
  LANGCHAIN_SCOPE,
  one,
  OPENAI_SCOPE,
  setup,
  tokenTotals,
  type Harness,
} from './helpers.ts';
import { assertServedFromCache, metricCount, startOrder } from './cache-helpers.ts';

// LangChain answers a prompt it has cached (`cache: true`, or any `BaseCache`) without calling the model. That run
// keeps its span, but no provider request was made: the span is not billable, carries no usage or cost, and records
// no metrics; it says `llmtel.cache.hit=true`.
// Here the openai SDK under ChatOpenAI is instrumented too: its span owns the one request's usage.
describe('a LangChain cache hit over an instrumented provider SDK', () => {
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

  it('the cached call keeps a non-billable span; the one request has the one billable span and metrics', async () => {
    h.fake.enqueue(syntheticChatCompletion({ model: 'cache-sdk', usage: { input_tokens: 12, output_tokens: 5 } }));
    const requests = h.fake.requests.length;
    const model = new h.m.ChatOpenAI(h.chatOpenAI('cache-sdk', { cache: new h.m.InMemoryCache() }));
    const first = await model.invoke('What is a cache?');
    const second = await model.invoke('What is a cache?');
    assert.equal(second.content, first.content);
    assert.equal(h.fake.requests.length - requests, 1, 'the second call never reached the provider');

    const spans = await h.settle(3);
    const sdk = one(spans, 'chat cache-sdk', OPENAI_SCOPE);
    const [miss, hit] = startOrder(byName(spans, 'chat cache-sdk', LANGCHAIN_SCOPE));
    assert.equal(spans.length, 3);
    assert.ok(isChildOf(sdk, miss!));
    assert.equal(miss!.attributes[ATTR_LLMTEL_CACHE_HIT], false, 'the cache was consulted and missed');
    assert.equal(miss!.attributes['llmtel.usage.billable'], false, 'the openai span owns the request');
    assertServedFromCache(hit!);
    assert.equal(hit!.attributes['gen_ai.response.id'], sdk.attributes['gen_ai.response.id'], 'the replayed response');
    assert.deepEqual(hit!.attributes['gen_ai.response.finish_reasons'], ['stop']);
    assert.deepEqual(billable(spans), [sdk]);

    const totals = await tokenTotals(h, 'cache-sdk');
    assert.deepEqual(totals.input, { count: 1, sum: 12 });
    assert.deepEqual(totals.output, { count: 1, sum: 5 });
    assert.equal(totals.costPoints, 0, 'the synthetic model has no price');
    // One provider operation, timed once (by the billable openai span, not again by its LangChain run); the cache
    // hit is not one.
    assert.equal(await metricCount(h, 'gen_ai.client.operation.duration', 'cache-sdk'), 1);
    // LangChain replays a cached answer as one token: it is not a streamed response either.
    assert.equal(await metricCount(h, 'gen_ai.client.operation.time_to_first_chunk', 'cache-sdk'), 0);
  });
});

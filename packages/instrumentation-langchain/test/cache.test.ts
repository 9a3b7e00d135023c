import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { withLlmCallbacks, type LlmEndEvent, type LlmErrorEvent } from '@llmtel/core';
import { syntheticChatCompletion } from '@llmtel/test-utils';
import { ATTR_LLMTEL_CACHE_HIT } from '@llmtel/instrumentation-langchain';
import { billable, byName, LANGCHAIN_SCOPE, one, setup, tokenTotals, type Harness } from './helpers.ts';
import { assertServedFromCache, delivered, metricCount, startOrder, usageKeys } from './cache-helpers.ts';

// LangChain answers a prompt it has cached (`cache: true`, or any `BaseCache`) without calling the model. That run
// keeps its span, but no provider request was made: the span is not billable, carries no usage or cost, and records
// no metrics; it says `llmtel.cache.hit=true`.
// Here nothing under the LangChain model is instrumented: the LangChain span of the request owns its usage.
describe('a LangChain cache hit over a provider that is not instrumented', () => {
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

  it('`cache: true`: the call that reached the provider owns usage, cost and metrics; the cached one none', async () => {
    h.fake.enqueue(
      syntheticChatCompletion({
        model: 'cache-plain',
        responseModel: 'gpt-4o-mini-2024-07-18',
        usage: { input_tokens: 100, output_tokens: 20 },
      }),
    );
    const requests = h.fake.requests.length;
    const ends: LlmEndEvent[] = [];
    const errors: LlmErrorEvent[] = [];
    const recorder = {
      onLlmEnd: (e: LlmEndEvent) => void ends.push(e),
      onLlmError: (e: LlmErrorEvent) => void errors.push(e),
    };
    const model = new h.m.ChatOpenAI(h.chatOpenAI('cache-plain', { cache: true }));
    await withLlmCallbacks(recorder, async () => {
      await model.invoke('Is this answer cached?');
      await model.invoke('Is this answer cached?');
    });
    assert.equal(h.fake.requests.length - requests, 1);

    const spans = await h.settle(2);
    const [miss, hit] = startOrder(byName(spans, 'chat cache-plain', LANGCHAIN_SCOPE));
    assert.equal(spans.length, 2);
    assert.deepEqual(billable(spans), [miss]);
    assert.equal(miss!.attributes[ATTR_LLMTEL_CACHE_HIT], false);
    assert.equal(miss!.attributes['gen_ai.usage.input_tokens'], 100);
    assert.equal(typeof miss!.attributes['llmtel.usage.cost_usd'], 'number');
    assertServedFromCache(hit!);
    assert.equal(hit!.attributes['gen_ai.response.model'], 'gpt-4o-mini-2024-07-18');

    const totals = await tokenTotals(h, 'cache-plain');
    assert.deepEqual(totals.input, { count: 1, sum: 100 });
    assert.deepEqual(totals.output, { count: 1, sum: 20 });
    assert.equal(totals.costPoints, 1);
    assert.equal(await metricCount(h, 'gen_ai.client.operation.duration', 'cache-plain'), 1);

    await delivered();
    assert.deepEqual(
      ends.map((e) => e.billable),
      [true, false],
      'callbacks that count requests (the usage store) skip the cache hit',
    );
    assert.deepEqual(ends[1]!.usage, {});
    assert.equal(ends[1]!.costUsd, undefined);
    assert.equal(errors.length, 0);
  });

  it('a batch the cache answers in part: one span each, billable exactly where a request was made', async () => {
    h.fake.enqueue(
      syntheticChatCompletion({ model: 'cache-batch', usage: { input_tokens: 10, output_tokens: 2 } }),
      syntheticChatCompletion({ model: 'cache-batch', usage: { input_tokens: 30, output_tokens: 4 } }),
    );
    const requests = h.fake.requests.length;
    const model = new h.m.ChatOpenAI(h.chatOpenAI('cache-batch', { cache: new h.m.InMemoryCache() }));
    await model.generate([['first prompt']]);
    // LangChain looks both prompts up, answers the first from its cache and sends only the second.
    await model.generate([['first prompt'], ['second prompt']]);
    assert.equal(h.fake.requests.length - requests, 2);

    const spans = await h.settle(3);
    const chats = byName(spans, 'chat cache-batch', LANGCHAIN_SCOPE);
    assert.equal(chats.length, 3);
    const hits = chats.filter((s) => s.attributes[ATTR_LLMTEL_CACHE_HIT] === true);
    const misses = chats.filter((s) => s.attributes[ATTR_LLMTEL_CACHE_HIT] === false);
    assert.equal(hits.length, 1);
    assertServedFromCache(hits[0]!);
    assert.deepEqual(
      billable(spans).map((s) => s.attributes['gen_ai.usage.input_tokens']),
      misses.map((s) => s.attributes['gen_ai.usage.input_tokens']),
    );
    assert.deepEqual(misses.map((s) => s.attributes['gen_ai.usage.input_tokens']).sort(), [10, 30]);
    const totals = await tokenTotals(h, 'cache-batch');
    assert.deepEqual(totals.input, { count: 2, sum: 40 });
    assert.equal(await metricCount(h, 'gen_ai.client.operation.duration', 'cache-batch'), 2);
  });

  it('an LLM (text completion) answered from its cache: not billable, no usage estimated for it', async () => {
    const fake = h.fake;
    // A completion model that calls the provider with fetch and reports no usage: the request's is estimated.
    class FetchLLM extends h.m.BaseLLM {
      constructor() {
        super({ cache: new h.m.InMemoryCache() });
      }
      _llmType() {
        return 'fetch-llm';
      }
      invocationParams() {
        return { model: 'cache-llm' };
      }
      async _generate(prompts: string[]) {
        const generations = [];
        for (const prompt of prompts) {
          const response = await fetch(`${fake.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'cache-llm', messages: [{ role: 'user', content: prompt }] }),
          });
          const body = (await response.json()) as { choices: { message: { content: string } }[] };
          generations.push([{ text: body.choices[0]!.message.content }]);
        }
        return { generations };
      }
    }
    fake.enqueue(syntheticChatCompletion({ model: 'cache-llm', content: 'An answer worth caching.' }));
    const requests = fake.requests.length;
    const llm = new FetchLLM();
    assert.equal(await llm.invoke('Complete this sentence'), 'An answer worth caching.');
    assert.equal(await llm.invoke('Complete this sentence'), 'An answer worth caching.');
    assert.equal(fake.requests.length - requests, 1);

    const spans = await h.settle(2);
    const [miss, hit] = startOrder(byName(spans, 'text_completion cache-llm', LANGCHAIN_SCOPE));
    assert.deepEqual(billable(spans), [miss]);
    assert.equal(miss!.attributes['llmtel.usage.estimated'], true);
    assert.ok((miss!.attributes['gen_ai.usage.output_tokens'] as number) > 0);
    assertServedFromCache(hit!);
    assert.equal(hit!.attributes['llmtel.usage.estimated'], false);
    const totals = await tokenTotals(h, 'cache-llm');
    assert.equal(totals.input.count, 1);
    assert.equal(totals.output.count, 1);
  });

  it('a cache that fails its lookup: the run fails, with no request, usage, error metric or onLlmError', async () => {
    class BrokenCache extends h.m.InMemoryCache {
      lookup(): Promise<never> {
        return Promise.reject(new Error('cache backend unreachable'));
      }
    }
    const requests = h.fake.requests.length;
    const errors: LlmErrorEvent[] = [];
    const model = new h.m.ChatOpenAI(h.chatOpenAI('cache-broken', { cache: new BrokenCache() }));
    await assert.rejects(
      withLlmCallbacks({ onLlmError: (e: LlmErrorEvent) => void errors.push(e) }, () => model.invoke('hi')),
      /cache backend unreachable/,
    );
    assert.equal(h.fake.requests.length, requests);

    const span = one(await h.settle(1), 'chat cache-broken', LANGCHAIN_SCOPE);
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.status.message, 'cache backend unreachable');
    assert.equal(span.attributes['error.type'], '_OTHER');
    assert.equal(span.attributes['llmtel.usage.billable'], false);
    assert.equal(span.attributes[ATTR_LLMTEL_CACHE_HIT], undefined, 'neither a hit nor a miss');
    assert.deepEqual(usageKeys(span), []);
    assert.equal(await metricCount(h, 'gen_ai.client.operation.duration', 'cache-broken'), 0);
    await delivered();
    assert.equal(errors.length, 0);
  });
});

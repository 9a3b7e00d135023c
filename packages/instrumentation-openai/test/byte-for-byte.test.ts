import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { loadFixture, loadFixtures, syntheticChatCompletionStream, type Fixture } from '@llmtel/test-utils';
import { asStream, collect, replay, setup, type AppView, type Harness } from './helpers.ts';

// What the app receives must not depend on whether the instrumentation is on.
describe('the app receives exactly what it receives without instrumentation', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(async () => {
    await h.close();
  });

  async function uninstrumented<T>(fn: () => Promise<T>): Promise<T> {
    h.instrumentation.disable();
    try {
      return await fn();
    } finally {
      h.instrumentation.enable();
    }
  }

  async function both(fixture: Fixture): Promise<[AppView, AppView]> {
    h.fake.enqueue(fixture);
    const plain = await uninstrumented(() => replay(h.client(), fixture));
    h.fake.enqueue(fixture);
    const instrumented = await replay(h.client(), fixture);
    return [plain, instrumented];
  }

  for (const fixture of loadFixtures('openai')) {
    test(fixture.name, async () => {
      await h.reset();
      const [plain, instrumented] = await both(fixture);
      assert.equal(instrumented.kind, plain.kind);
      assert.equal(instrumented.json, plain.json);
      assert.equal((await h.settle(1)).length, 1, 'only the instrumented call has a span');
    });
  }

  test('a stream whose usage chunk the instrumentation asked for looks like one that never had it', async () => {
    await h.reset();
    const options = { model: 'gpt-4o-mini', id: 'chatcmpl-same', chunks: 5 };
    const withUsage = syntheticChatCompletionStream({ ...options, includeUsage: true });
    const withoutUsage = syntheticChatCompletionStream({ ...options, includeUsage: false });
    // The uninstrumented app gets the stream the API sends without include_usage...
    h.fake.enqueue(withoutUsage);
    const plain = await uninstrumented(() => replay(h.client(), withoutUsage));
    // ...the instrumented app asked (through the instrumentation) for include_usage, and the API honoured it.
    h.fake.enqueue(withUsage);
    const instrumented = await replay(h.client(), withoutUsage);
    assert.equal(instrumented.json, plain.json);
    assert.deepEqual((h.fake.requests.at(-1)!.body as { stream_options: unknown }).stream_options, {
      include_usage: true,
    });
    assert.equal(h.fake.requests.at(-2)!.rawBody.includes('stream_options'), false);
  });

  test('withResponse() gives the same data and headers', async () => {
    const fixture = loadFixture('openai', 'chat-completions-adds-genai-conventions');
    const body = fixture.request.body as never;
    h.fake.enqueue(fixture);
    const plain = await uninstrumented(() => h.client().chat.completions.create(body).withResponse());
    h.fake.enqueue(fixture);
    const instrumented = await h.client().chat.completions.create(body).withResponse();
    assert.equal(JSON.stringify(instrumented.data), JSON.stringify(plain.data));
    assert.equal(instrumented.request_id, plain.request_id);
    assert.equal(instrumented.request_id, fixture.response.headers['x-request-id']);
    const requestId = (data: unknown) => (data as { _request_id?: string })._request_id;
    assert.equal(requestId(instrumented.data), requestId(plain.data));
    assert.equal(instrumented.response.status, 200);
  });

  test('asResponse() gives an unconsumed Response with the raw body', async () => {
    const fixture = loadFixture('openai', 'streaming-chat-completions-records-usage');
    const body = fixture.request.body as never;
    h.fake.enqueue(fixture);
    const plain = await uninstrumented(() => h.client().chat.completions.create(body).asResponse());
    h.fake.enqueue(fixture);
    const instrumented = await h.client().chat.completions.create(body).asResponse();
    assert.equal(instrumented.bodyUsed, false);
    assert.equal(await instrumented.text(), await plain.text());
  });

  test('the returned promise is the SDK APIPromise, and a stream is the SDK Stream', async () => {
    const fixture = loadFixture('openai', 'streaming-chat-completions-adds-genai-conventions');
    h.fake.enqueue(fixture);
    const promise = h.client().chat.completions.create(fixture.request.body as never);
    const require = createRequire(import.meta.url);
    const { APIPromise } = require('openai') as { APIPromise: abstract new (...args: never[]) => unknown };
    const { Stream } = require('openai/streaming') as { Stream: abstract new (...args: never[]) => unknown };
    assert.ok(promise instanceof APIPromise);
    const stream = asStream(await promise);
    assert.ok(stream instanceof Stream);
    assert.ok(stream.controller instanceof AbortController);
    assert.equal((await collect(stream)).length, 5);
  });
});

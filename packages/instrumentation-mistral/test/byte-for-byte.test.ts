import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collect, mistralFixture, settle, setup, type Harness, type MistralClient } from './helpers.ts';

const CHAT = {
  model: 'mistral-small-latest',
  temperature: 0.2,
  messages: [{ role: 'user' as const, content: 'Name the three primary colours.' }],
};

/**
 * Runs `call` twice against the same fixture: once with the instrumentation disabled, once enabled. Returns both
 * results and the raw request bodies the SDK sent, so a test can show the app and the provider see the same thing.
 */
async function twice<T>(h: Harness, fixture: string, call: (client: MistralClient) => Promise<T>) {
  h.instrumentation.disable();
  h.fake.enqueue(mistralFixture(fixture));
  const spansBefore = h.spans().length;
  const plain = await call(h.client());
  const plainBody = h.fake.requests.at(-1)!.rawBody;
  await settle();
  assert.equal(h.spans().length, spansBefore, 'the plain run is not instrumented');
  h.instrumentation.enable();
  h.fake.enqueue(mistralFixture(fixture));
  const before = h.spans().length;
  const instrumented = await call(h.client());
  const instrumentedBody = h.fake.requests.at(-1)!.rawBody;
  await h.waitForSpans(before + 1);
  return { plain, instrumented, plainBody, instrumentedBody };
}

describe('the app receives what it receives without instrumentation', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(() => h.close());

  it('chat.complete: the same result and the same request bytes', async () => {
    const r = await twice(h, 'chat-completion', (c) => c.chat.complete(CHAT));
    assert.deepEqual(r.instrumented, r.plain);
    assert.equal(Object.getPrototypeOf(r.instrumented), Object.getPrototypeOf(r.plain));
    assert.ok(r.instrumentedBody.equals(r.plainBody));
  });

  it('chat.stream: a stream of the same class yielding the same events', async () => {
    const r = await twice(h, 'chat-completion-stream', async (c) => {
      const stream = await c.chat.stream(CHAT);
      return {
        proto: Object.getPrototypeOf(stream) as object,
        isReadable: stream instanceof ReadableStream,
        events: await collect(stream),
      };
    });
    assert.equal(r.instrumented.proto, r.plain.proto, 'same EventStream class');
    assert.equal(r.instrumented.isReadable, r.plain.isReadable);
    assert.deepEqual(r.instrumented.events, r.plain.events);
    assert.equal(r.instrumented.events.length, 6);
    assert.ok(r.instrumentedBody.equals(r.plainBody));
  });

  it('embeddings.create and fim.complete: the same results', async () => {
    const e = await twice(h, 'embeddings', (c) => c.embeddings.create({ model: 'mistral-embed', inputs: ['a', 'b'] }));
    assert.deepEqual(e.instrumented, e.plain);
    assert.ok(e.instrumentedBody.equals(e.plainBody));
    const f = await twice(h, 'fim-completion', (c) =>
      c.fim.complete({ model: 'codestral-latest', prompt: 'def f():' }),
    );
    assert.deepEqual(f.instrumented, f.plain);
  });

  it('errors: the same error class, status and message', async () => {
    const r = await twice(h, 'chat-completion-error-400', (c) =>
      c.chat.complete(CHAT).then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e as Error & { statusCode: number; body: string },
      ),
    );
    assert.equal(Object.getPrototypeOf(r.instrumented), Object.getPrototypeOf(r.plain));
    assert.equal(r.instrumented.message, r.plain.message);
    assert.equal(r.instrumented.statusCode, r.plain.statusCode);
    assert.equal(r.instrumented.body, r.plain.body);
    assert.deepEqual(Object.keys(r.instrumented).sort(), Object.keys(r.plain).sort());
  });
});

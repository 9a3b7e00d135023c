import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { plainAndInstrumented } from '@llmtel/test-utils';
import { collect, mistralFixture, setup, type Harness } from './helpers.ts';

const CHAT = {
  model: 'mistral-small-latest',
  temperature: 0.2,
  messages: [{ role: 'user' as const, content: 'Name the three primary colours.' }],
};

describe('the app receives what it receives without instrumentation', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(() => h.close());

  it('chat.complete: the same result and the same request bytes', async () => {
    const r = await plainAndInstrumented(h, mistralFixture('chat-completion'), (c) => c.chat.complete(CHAT));
    assert.deepEqual(r.instrumented, r.plain);
    assert.equal(Object.getPrototypeOf(r.instrumented), Object.getPrototypeOf(r.plain));
    assert.ok(r.instrumentedBody.equals(r.plainBody));
  });

  it('chat.stream: a stream of the same class yielding the same events', async () => {
    const r = await plainAndInstrumented(h, mistralFixture('chat-completion-stream'), async (c) => {
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
    const e = await plainAndInstrumented(h, mistralFixture('embeddings'), (c) =>
      c.embeddings.create({ model: 'mistral-embed', inputs: ['a', 'b'] }),
    );
    assert.deepEqual(e.instrumented, e.plain);
    assert.ok(e.instrumentedBody.equals(e.plainBody));
    const f = await plainAndInstrumented(h, mistralFixture('fim-completion'), (c) =>
      c.fim.complete({ model: 'codestral-latest', prompt: 'def f():' }),
    );
    assert.deepEqual(f.instrumented, f.plain);
  });

  it('errors: the same error class, status and message', async () => {
    const r = await plainAndInstrumented(h, mistralFixture('chat-completion-error-400'), (c) =>
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

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { plainAndInstrumented } from '@llmtel/test-utils';
import { cohereFixture, collect, NO_RETRIES, setup, type Harness } from './helpers.ts';

const CHAT = {
  model: 'command-a-03-2025',
  temperature: 0.3,
  messages: [{ role: 'user' as const, content: 'Name the three primary colours.' }],
};

describe('the app receives what it receives without instrumentation', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(() => h.close());

  it('chat: the same result and the same request bytes', async () => {
    const r = await plainAndInstrumented(h, cohereFixture('chat'), (c) => c.chat(CHAT, NO_RETRIES));
    assert.deepEqual(r.instrumented, r.plain);
    assert.ok(r.instrumentedBody.equals(r.plainBody));
  });

  it('chat withRawResponse(): the same data, status and headers', async () => {
    const r = await plainAndInstrumented(h, cohereFixture('chat'), (c) => c.chat(CHAT, NO_RETRIES).withRawResponse());
    assert.deepEqual(r.instrumented.data, r.plain.data);
    assert.equal(r.instrumented.rawResponse.status, r.plain.rawResponse.status);
    assert.deepEqual([...r.instrumented.rawResponse.headers.keys()], [...r.plain.rawResponse.headers.keys()]);
  });

  it('chatStream: the same Stream class yielding the same events', async () => {
    const r = await plainAndInstrumented(h, cohereFixture('chat-stream'), async (c) => {
      const stream = await c.chatStream(CHAT, NO_RETRIES);
      return { proto: Object.getPrototypeOf(stream) as object, events: await collect(stream) };
    });
    assert.equal(r.instrumented.proto, r.plain.proto);
    assert.deepEqual(r.instrumented.events, r.plain.events);
    assert.equal(r.instrumented.events.length, 8);
    assert.ok(r.instrumentedBody.equals(r.plainBody));
  });

  it('embed: the same result', async () => {
    const r = await plainAndInstrumented(h, cohereFixture('embed'), (c) =>
      c.embed(
        { model: 'embed-v4.0', texts: ['a'], inputType: 'search_document', embeddingTypes: ['float'] },
        NO_RETRIES,
      ),
    );
    assert.deepEqual(r.instrumented, r.plain);
    assert.ok(r.instrumentedBody.equals(r.plainBody));
  });

  it('errors: the same error class, status, body and message', async () => {
    const r = await plainAndInstrumented(h, cohereFixture('chat-error-404'), (c) =>
      c.chat(CHAT, NO_RETRIES).then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e as Error & { statusCode: number; body: unknown },
      ),
    );
    assert.equal(Object.getPrototypeOf(r.instrumented), Object.getPrototypeOf(r.plain));
    assert.equal(r.instrumented.message, r.plain.message);
    assert.equal(r.instrumented.statusCode, r.plain.statusCode);
    assert.deepEqual(r.instrumented.body, r.plain.body);
    assert.deepEqual(Object.keys(r.instrumented).sort(), Object.keys(r.plain).sort());
  });
});

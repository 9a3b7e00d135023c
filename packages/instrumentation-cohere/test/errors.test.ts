import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { cohereFixture, NO_RETRIES, pointsWhere, setup, type Harness } from './helpers.ts';

const BODY = { model: 'command-nonexistent', messages: [{ role: 'user' as const, content: 'Hello?' }] };

describe('errors', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(() => h.close());
  beforeEach(() => h.reset());

  it('a 404 answer: the app gets the SDK error, the span is ERROR with error.type 404', async () => {
    h.fake.enqueue(cohereFixture('chat-error-404'));
    const error = await h
      .client()
      .chat(BODY, NO_RETRIES)
      .then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e as Error & { statusCode?: number; body?: { message?: string } },
      );
    assert.equal(error.statusCode, 404);
    assert.equal(error.name, 'NotFoundError');
    assert.match(String(error.body?.message), /not found/);
    assert.equal(Object.hasOwn(error, 'status'), false, "the app's error object is not changed");

    const span = await h.theSpan();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], '404');
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], undefined);
    assert.equal(span.attributes['llmtel.usage.cost_usd'], undefined);
    assert.equal(span.events.filter((e) => e.name === 'exception').length, 1);

    const duration = (await h.metrics()).get('gen_ai.client.operation.duration');
    assert.equal(
      pointsWhere(duration, { 'error.type': '404', 'gen_ai.request.model': 'command-nonexistent' }).length,
      1,
    );
  });

  it('a 404 answer to chatStream fails the call and its span', async () => {
    h.fake.enqueue(cohereFixture('chat-error-404'));
    await assert.rejects(h.client().chatStream(BODY, NO_RETRIES), (e: Error & { statusCode?: number }) => {
      return e.statusCode === 404;
    });
    const span = await h.theSpan();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], '404');
  });

  it('a connection failure: ERROR span, the app gets the SDK error', async () => {
    const client = h.client({ environment: 'http://127.0.0.1:1' });
    // A short timeout: after a connection error the SDK leaves its request timer running (300 s by default).
    await assert.rejects(client.chat(BODY, { ...NO_RETRIES, timeoutInSeconds: 2 }));
    const span = await h.theSpan();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(typeof span.attributes['error.type'], 'string');
    assert.equal(span.attributes['server.port'], 1);
  });
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { mistralFixture, pointsWhere, setup, type Harness } from './helpers.ts';

const BODY = { model: 'mistral-nonexistent-model', messages: [{ role: 'user' as const, content: 'Hello?' }] };

describe('errors', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(() => h.close());
  beforeEach(() => h.reset());

  it('a 400 answer: the app gets the SDK error, the span is ERROR with the API error type', async () => {
    h.fake.enqueue(mistralFixture('chat-completion-error-400'));
    const error = await h
      .client()
      .chat.complete(BODY)
      .then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e as Error & { statusCode?: number; body?: string },
      );
    assert.equal(error.statusCode, 400);
    assert.match(String(error.body), /invalid_model/);
    assert.equal(error.name, 'SDKError', 'the error the SDK threw');
    assert.equal(Object.hasOwn(error, 'type'), false, "the app's error object is not changed");

    const span = await h.theSpan();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'invalid_model');
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], undefined);
    assert.equal(span.attributes['llmtel.usage.cost_usd'], undefined);
    assert.equal(span.events.filter((e) => e.name === 'exception').length, 1);

    const duration = (await h.metrics()).get('gen_ai.client.operation.duration');
    const points = pointsWhere(duration, {
      'error.type': 'invalid_model',
      'gen_ai.request.model': 'mistral-nonexistent-model',
    });
    assert.equal(points.length, 1);
  });

  it('a 400 answer to a stream request fails the stream call and its span', async () => {
    const fixture = mistralFixture('chat-completion-error-400');
    fixture.stream = true;
    h.fake.enqueue(fixture);
    await assert.rejects(h.client().chat.stream(BODY), (e: Error & { statusCode?: number }) => e.statusCode === 400);
    const span = await h.theSpan();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'invalid_model');
  });

  it('a connection failure: ERROR span, the app gets the SDK error', async () => {
    const client = h.client({ serverURL: 'http://127.0.0.1:1' });
    await assert.rejects(client.chat.complete(BODY));
    const span = await h.theSpan();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(typeof span.attributes['error.type'], 'string');
    assert.equal(span.attributes['server.port'], 1);
  });
});

import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { SpanStatusCode } from '@opentelemetry/api';
import { errorTypeOf } from '@llmtel/core';
import { loadFixture, syntheticChatCompletion, syntheticOpenAiError } from '@llmtel/test-utils';
import { only, pointsWhere, setup, type Harness } from './helpers.ts';

const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// One instrumentation per process, as in an app: the SDK is patched when first required.
let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h.close();
});

describe('errors', () => {
  beforeEach(async () => {
    await h.reset();
  });

  test('a 404 answer: ERROR span with the provider code, the app gets the SDK error', async () => {
    const fixture = loadFixture('openai', 'chat-completion-404');
    h.fake.enqueue(fixture);
    const error = await h
      .client()
      .chat.completions.create(fixture.request.body as never)
      .then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e,
      );
    assert.ok(error instanceof h.OpenAI.NotFoundError);
    assert.equal(error.status, 404);
    assert.equal(error.code, 'model_not_found');

    const span = only(await h.settle(1));
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'model_not_found');
    assert.equal(span.events.filter((e) => e.name === 'exception').length, 1);

    const durations = pointsWhere((await h.metrics()).get('gen_ai.client.operation.duration'), {
      'gen_ai.request.model': 'this-model-does-not-exist',
    });
    assert.equal(durations.length, 1);
    assert.equal(durations[0]!.attributes['error.type'], 'model_not_found');
  });

  test('an error without a code is typed by core from the very error the app got', async () => {
    h.fake.enqueue(
      syntheticOpenAiError(429, 'requests', null, 'Slow down', { headers: { 'x-should-retry': 'false' } }),
    );
    const error = await h
      .client()
      .chat.completions.create(CHAT)
      .then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e,
      );
    assert.ok(error instanceof h.OpenAI.RateLimitError);
    const span = only(await h.settle(1));
    assert.equal(span.attributes['error.type'], errorTypeOf(error));
    assert.ok(['requests', '429'].includes(String(span.attributes['error.type'])));
  });

  test('a rate limit code is the error type', async () => {
    h.fake.enqueue(
      syntheticOpenAiError(429, 'requests', 'rate_limit_exceeded', 'Slow down', {
        headers: { 'x-should-retry': 'false' },
      }),
    );
    await assert.rejects(h.client().chat.completions.create(CHAT), h.OpenAI.RateLimitError);
    assert.equal(only(await h.settle(1)).attributes['error.type'], 'rate_limit_exceeded');
  });

  test('a streamed request answered with an error fails before any chunk', async () => {
    const fixture = syntheticOpenAiError(400, 'invalid_request_error', 'context_length_exceeded', 'Too long');
    h.fake.enqueue(fixture);
    await assert.rejects(h.client().chat.completions.create({ ...CHAT, stream: true }), h.OpenAI.BadRequestError);
    const span = only(await h.settle(1));
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'context_length_exceeded');
  });

  test('a connection failure is typed by its error class', async () => {
    const port = await closedPort();
    const client = h.client({ baseURL: `http://127.0.0.1:${port}/v1` });
    await assert.rejects(client.chat.completions.create(CHAT), h.OpenAI.APIConnectionError);
    const span = only(await h.settle(1));
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'APIConnectionError');
    assert.equal(span.attributes['server.port'], port);
  });

  test('an aborted request fails its span with the abort error', async () => {
    const signal = AbortSignal.abort();
    await assert.rejects(h.client().chat.completions.create(CHAT, { signal }), h.OpenAI.APIUserAbortError);
    const span = only(await h.settle(1));
    assert.equal(span.attributes['error.type'], 'APIUserAbortError');
  });

  test('an embeddings 404 and a responses 400 are ERROR spans too', async () => {
    for (const name of ['embeddings-model-not-found', 'responses-create-api-error']) {
      const fixture = loadFixture('openai', name);
      h.fake.enqueue(fixture);
      const client = h.client();
      const body = fixture.request.body as never;
      const call = fixture.operation === 'embeddings' ? client.embeddings.create(body) : client.responses.create(body);
      await assert.rejects(call, h.OpenAI.APIError);
    }
    const spans = await h.settle(2);
    assert.deepEqual(
      spans.map((s) => [s.name, s.status.code, s.attributes['error.type']]),
      [
        ['embeddings non-existent-embedding-model', SpanStatusCode.ERROR, 'model_not_found'],
        ['chat this-model-does-not-exist', SpanStatusCode.ERROR, 'model_not_found'],
      ],
    );
  });
});

describe('a failing instrumentation never breaks the app', () => {
  before(() => {
    h.instrumentation.setConfig({
      captureMessageContent: true,
      contentRedactor: () => {
        throw new Error('redactor bug');
      },
    });
  });
  after(() => {
    h.instrumentation.setConfig({});
  });
  beforeEach(async () => {
    await h.reset();
  });

  test('the call succeeds and its span still ends', async () => {
    const fixture = syntheticChatCompletion({ model: 'gpt-4o-mini', content: 'fine' });
    h.fake.enqueue(fixture);
    const completion = await h.client().chat.completions.create(fixture.request.body as never);
    assert.equal(completion.choices[0]!.message.content, 'fine');
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.request.model'], 'gpt-4o-mini');
    assert.equal(span.attributes['gen_ai.input.messages'], undefined);
  });

  test('the span keeps its usage when content capture fails', async () => {
    const fixture = syntheticChatCompletion({ model: 'gpt-4o-mini', content: 'fine' });
    h.fake.enqueue(fixture);
    await h.client().chat.completions.create(fixture.request.body as never);
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 6);
  });

  test('a non-object body is passed to the SDK untouched', async () => {
    // The SDK rejects it itself; the instrumentation must neither fail first nor start a span.
    const create = () => h.client().chat.completions.create(undefined as never);
    await assert.rejects(Promise.resolve().then(create), TypeError);
    assert.equal((await h.settle()).length, 0);
  });
});

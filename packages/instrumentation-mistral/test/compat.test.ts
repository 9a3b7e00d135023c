import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { collect, LLMTEL_SCOPE, mistralFixture, sdkVersionOf, setup, type Harness } from './helpers.ts';

const CHAT = { model: 'mistral-small-latest', messages: [{ role: 'user' as const, content: 'Hi' }] };

// The oldest supported line: 1.x (CommonJS, streams are plain async iterables rather than ReadableStreams). The current
// release is what every other test file runs against.
describe('@mistralai/mistralai 1.1.0', () => {
  let h: Harness;
  before(async () => {
    h = await setup({}, '1.x', { chunkDelayMs: 2 });
  });
  after(() => h.close());
  beforeEach(() => h.reset());

  const theSpan = () => h.theSpan({ quietMs: 20, scope: LLMTEL_SCOPE });

  it('is the release under test, and patched', () => {
    assert.equal(sdkVersionOf('1.x'), '1.1.0');
    const chat = Object.getPrototypeOf(h.client().chat) as { complete: { __wrapped?: boolean } };
    assert.equal(chat.complete.__wrapped, true);
  });

  it('chat.complete: tokens, finish reason and cost', async () => {
    h.fake.enqueue(mistralFixture('chat-completion'));
    const result = await h.client().chat.complete(CHAT);
    assert.equal(result.choices[0]!.finishReason, 'stop');
    const span = await theSpan();
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 21);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 38);
    assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['stop']);
    assert.equal(typeof span.attributes['llmtel.usage.cost_usd'], 'number');
  });

  it('chat.stream: the same stream object, the same events, usage from the last chunk', async () => {
    h.fake.enqueue(mistralFixture('chat-completion-stream'));
    const stream = await h.client().chat.stream(CHAT);
    assert.equal(stream instanceof ReadableStream, false, 'a 1.x EventStream');
    const events = await collect(stream);
    assert.deepEqual(
      events.map((e) => e.data.choices[0]!.delta.content),
      ['', 'Bonjour', ' le', ' monde', ' !', ''],
    );
    const span = await theSpan();
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 14);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 9);
    assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['stop']);
  });

  it('chat.stream: break ends the span once', async () => {
    h.fake.enqueue(mistralFixture('chat-completion-stream'));
    const stream = await h.client().chat.stream(CHAT);
    for await (const event of stream) {
      assert.equal(typeof event.data.id, 'string');
      break;
    }
    const span = await theSpan();
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(span.attributes['llmtel.usage.estimated'], true);
  });

  it('embeddings.create and a 400 answer', async () => {
    h.fake.enqueue(mistralFixture('embeddings'));
    await h.client().embeddings.create({ model: 'mistral-embed', inputs: ['a', 'b'] });
    const embeddings = await theSpan();
    assert.equal(embeddings.attributes['gen_ai.usage.input_tokens'], 11);
    h.reset();
    h.fake.enqueue(mistralFixture('chat-completion-error-400'));
    await assert.rejects(h.client().chat.complete(CHAT));
    const failed = await theSpan();
    assert.equal(failed.status.code, SpanStatusCode.ERROR);
    assert.equal(failed.attributes['error.type'], 'invalid_model');
  });
});

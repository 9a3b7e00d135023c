import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { cohereFixture, collect, LLMTEL_SCOPE, NO_RETRIES, sdkVersionOf, setup, type Harness } from './helpers.ts';

const CHAT = { model: 'command-a-03-2025', messages: [{ role: 'user' as const, content: 'Hi' }] };

// The oldest supported release: 7.14 (the v2 client class is `V2`, and its methods return plain promises). The
// current release is what every other test file runs against.
describe('cohere-ai 7.14.0', () => {
  let h: Harness;
  before(async () => {
    h = await setup({}, '7.14', { chunkDelayMs: 2 });
  });
  after(() => h.close());
  beforeEach(() => h.reset());

  const theSpan = () => h.theSpan({ quietMs: 20, scope: LLMTEL_SCOPE });

  it('is the release under test', () => {
    assert.equal(sdkVersionOf('7.14'), '7.14.0');
  });

  it('chat: billed tokens and finish reason', async () => {
    h.fake.enqueue(cohereFixture('chat'));
    const result = await h.client().chat(CHAT, NO_RETRIES);
    assert.equal(result.finishReason, 'COMPLETE');
    const span = await theSpan();
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 17);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 44);
    assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['COMPLETE']);
  });

  it('chatStream: the same events, usage from message-end; break ends the span once', async () => {
    h.fake.enqueue(cohereFixture('chat-stream'));
    const events = await collect(await h.client().chatStream(CHAT, NO_RETRIES));
    assert.equal(events.length, 8);
    const span = await theSpan();
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 9);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 7);
    h.reset();
    h.fake.enqueue(cohereFixture('chat-stream'));
    for await (const event of await h.client().chatStream(CHAT, NO_RETRIES)) {
      assert.equal(event.type, 'message-start');
      break;
    }
    const broken = await theSpan();
    assert.equal(broken.status.code, SpanStatusCode.UNSET);
  });

  it('embed and a 404 answer', async () => {
    h.fake.enqueue(cohereFixture('embed'));
    await h
      .client()
      .embed(
        { model: 'embed-v4.0', texts: ['a'], inputType: 'search_document', embeddingTypes: ['float'] },
        NO_RETRIES,
      );
    const embed = await theSpan();
    assert.equal(embed.attributes['gen_ai.usage.input_tokens'], 9);
    h.reset();
    h.fake.enqueue(cohereFixture('chat-error-404'));
    await assert.rejects(h.client().chat(CHAT, NO_RETRIES));
    const failed = await theSpan();
    assert.equal(failed.status.code, SpanStatusCode.ERROR);
    assert.equal(failed.attributes['error.type'], '404');
  });
});

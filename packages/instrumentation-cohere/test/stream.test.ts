import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { errorTypeOf } from '@llmtel/core';
import { assertAborted, histogramTotals } from '@llmtel/test-utils';
import { cohereFixture, collect, NO_RETRIES, setup, type Harness } from './helpers.ts';

const BODY = {
  model: 'command-a-03-2025',
  maxTokens: 64,
  messages: [{ role: 'user' as const, content: 'Say hello world in French.' }],
};

describe('CohereClientV2.chatStream', () => {
  let h: Harness;
  before(async () => {
    h = await setup({}, 'current', { chunkDelayMs: 5 });
  });
  after(() => h.close());
  beforeEach(() => h.reset());

  /** Waits for the span, then checks that no second span arrives. */
  const theSpan = () => h.theSpan({ quietMs: 20 });

  it('read to the end: usage and finish reason from message-end, the id from message-start, chunk timings', async () => {
    const fixture = cohereFixture('chat-stream');
    h.fake.enqueue(fixture);
    const stream = await h.client().chatStream(BODY, NO_RETRIES);
    const events = await collect(stream);
    assert.deepEqual(
      events.map((e) => e.type),
      [
        'message-start',
        'content-start',
        'content-delta',
        'content-delta',
        'content-delta',
        'content-delta',
        'content-end',
        'message-end',
      ],
    );
    const span = await theSpan();
    const a = span.attributes;
    assert.equal(span.name, 'chat command-a-03-2025');
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(a['gen_ai.usage.input_tokens'], fixture.usage!.input_tokens);
    assert.equal(a['gen_ai.usage.output_tokens'], fixture.usage!.output_tokens);
    assert.equal(a['llmtel.usage.estimated'], false);
    assert.deepEqual(a['gen_ai.response.finish_reasons'], ['COMPLETE']);
    assert.equal(a['gen_ai.response.id'], '29f14a5a-11de-4cae-9800-25e4747408ea');
    assert.equal(a['gen_ai.request.max_tokens'], 64);

    const metrics = await h.metrics();
    const attrs = { 'gen_ai.provider.name': 'cohere', 'gen_ai.request.model': 'command-a-03-2025' };
    const first = histogramTotals(metrics.get('gen_ai.client.operation.time_to_first_chunk'), attrs);
    const perChunk = histogramTotals(metrics.get('gen_ai.client.operation.time_per_output_chunk'), attrs);
    assert.ok(first.count >= 1, 'time to first chunk recorded');
    assert.ok(perChunk.count >= 1, 'time per output chunk recorded');
  });

  it('break after the first event: the span ends once, and the connection is closed', async () => {
    h.fake.enqueue(cohereFixture('chat-stream'));
    const stream = await h.client().chatStream(BODY, NO_RETRIES);
    let seen = 0;
    for await (const event of stream) {
      assert.equal(event.type, 'message-start');
      seen++;
      break;
    }
    assert.equal(seen, 1);
    const span = await theSpan();
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(span.attributes['gen_ai.response.id'], '29f14a5a-11de-4cae-9800-25e4747408ea');
    assert.equal(span.attributes['llmtel.usage.estimated'], true, 'message-end never arrived: estimated counts');
    await assertAborted(h.fake.requests.at(-1)!);
  });

  it('break right after message-end keeps the billed usage', async () => {
    h.fake.enqueue(cohereFixture('chat-stream'));
    const stream = await h.client().chatStream(BODY, NO_RETRIES);
    for await (const event of stream) if (event.type === 'message-end') break;
    const span = await theSpan();
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 9);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 7);
    assert.equal(span.attributes['llmtel.usage.estimated'], false);
  });

  it('aborted mid-stream: the span ends once, with the error', async () => {
    h.fake.enqueue(cohereFixture('chat-stream'));
    const controller = new AbortController();
    const stream = await h.client().chatStream(BODY, { ...NO_RETRIES, abortSignal: controller.signal });
    const failure = await (async () => {
      for await (const event of stream) if (event.type === 'content-delta') controller.abort();
    })().catch((error: unknown) => error);
    assert.ok(failure instanceof Error, 'the app sees the abort');
    const span = await theSpan();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], errorTypeOf(failure));
  });
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { errorTypeOf } from '@llmtel/core';
import { assertAborted, histogramTotals } from '@llmtel/test-utils';
import { collect, mistralFixture, setup, type Harness } from './helpers.ts';

const BODY = {
  model: 'mistral-small-latest',
  maxTokens: 64,
  messages: [{ role: 'user' as const, content: 'Say hello world in French.' }],
};

/** The chunk texts of the fixture's stream, in order. */
const TEXTS = ['', 'Bonjour', ' le', ' monde', ' !', ''];

describe('chat.stream', () => {
  let h: Harness;
  before(async () => {
    h = await setup({}, 'current', { chunkDelayMs: 5 });
  });
  after(() => h.close());
  beforeEach(() => h.reset());

  /** Waits for the span, then checks that no second span and no second end arrive. */
  const theSpan = () => h.theSpan({ quietMs: 20 });

  it('read to the end: usage from the last chunk, finish reason, id, model and chunk timings', async () => {
    const fixture = mistralFixture('chat-completion-stream');
    h.fake.enqueue(fixture);
    const stream = await h.client().chat.stream(BODY);
    const events = await collect(stream);
    assert.deepEqual(
      events.map((e) => e.data.choices[0]!.delta.content),
      TEXTS,
    );
    const span = await theSpan();
    const a = span.attributes;
    assert.equal(span.name, 'chat mistral-small-latest');
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(a['gen_ai.usage.input_tokens'], fixture.usage!.input_tokens);
    assert.equal(a['gen_ai.usage.output_tokens'], fixture.usage!.output_tokens);
    assert.equal(a['llmtel.usage.estimated'], false);
    assert.deepEqual(a['gen_ai.response.finish_reasons'], ['stop']);
    assert.equal(a['gen_ai.response.id'], 'cmpl-6c1d2e3f4a5b46c7d8e9f0a1b2c3d4e5');
    assert.equal(a['gen_ai.response.model'], 'mistral-small-latest');
    assert.equal(a['gen_ai.request.max_tokens'], 64);
    assert.equal(typeof a['llmtel.usage.cost_usd'], 'number');

    const metrics = await h.metrics();
    const attrs = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'mistral-small-latest' };
    const first = histogramTotals(metrics.get('gen_ai.client.operation.time_to_first_chunk'), attrs);
    const perChunk = histogramTotals(metrics.get('gen_ai.client.operation.time_per_output_chunk'), attrs);
    assert.ok(first.count >= 1, 'time to first chunk recorded');
    assert.ok(perChunk.count >= 1, 'time per output chunk recorded');
  });

  it('read with getReader(): the same events, one span', async () => {
    h.fake.enqueue(mistralFixture('chat-completion-stream'));
    const stream = await h.client().chat.stream(BODY);
    const reader = stream.getReader();
    const texts: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      const { done, value } = await reader.read();
      if (done) break;
      texts.push(value.data.choices[0]!.delta.content);
    }
    assert.deepEqual(texts, TEXTS);
    const span = await theSpan();
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 9);
  });

  it('break after the first event: the span ends once, and the connection is closed', async () => {
    h.fake.enqueue(mistralFixture('chat-completion-stream'));
    const stream = await h.client().chat.stream(BODY);
    let seen = 0;
    for await (const event of stream) {
      assert.equal(event.data.id, 'cmpl-6c1d2e3f4a5b46c7d8e9f0a1b2c3d4e5');
      seen++;
      break;
    }
    assert.equal(seen, 1);
    const span = await theSpan();
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(span.attributes['gen_ai.response.id'], 'cmpl-6c1d2e3f4a5b46c7d8e9f0a1b2c3d4e5');
    // The usage chunk never arrived: the counts are estimated, and say so.
    assert.equal(span.attributes['llmtel.usage.estimated'], true);
    await assertAborted(h.fake.requests.at(-1)!);
  });

  it('break right after the usage chunk keeps the real usage', async () => {
    h.fake.enqueue(mistralFixture('chat-completion-stream'));
    const stream = await h.client().chat.stream(BODY);
    for await (const event of stream) {
      if (event.data.usage !== undefined) break;
    }
    const span = await theSpan();
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 14);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 9);
    assert.equal(span.attributes['llmtel.usage.estimated'], false);
  });

  it('aborted mid-stream: the span ends once, with the error', async () => {
    h.fake.enqueue(mistralFixture('chat-completion-stream'));
    const controller = new AbortController();
    const stream = await h.client().chat.stream(BODY, { fetchOptions: { signal: controller.signal } });
    const failure = await (async () => {
      for await (const event of stream) {
        if (event.data.choices[0]!.delta.content === 'Bonjour') controller.abort();
      }
    })().catch((error: unknown) => error);
    assert.ok(failure instanceof Error, 'the app sees the abort');
    const span = await theSpan();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], errorTypeOf(failure));
    assert.equal(span.attributes['gen_ai.response.id'], 'cmpl-6c1d2e3f4a5b46c7d8e9f0a1b2c3d4e5');
  });

  it('a stream that is never read ends when the app cancels it', async () => {
    h.fake.enqueue(mistralFixture('chat-completion-stream'));
    const stream = await h.client().chat.stream(BODY);
    assert.equal(h.spans().length, 0, 'still open while the app holds the stream');
    await stream.cancel('not needed');
    const span = await theSpan();
    assert.equal(span.status.code, SpanStatusCode.UNSET);
  });
});

import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanStatusCode } from '@opentelemetry/api';
import { loadFixture } from '@llmtel/test-utils';
import { collect, commandFor, only, pointsWhere, setup, sleep, streamOf, type Harness } from './helpers.ts';

const converseStream = () => loadFixture('aws.bedrock', 'converse-stream');
const claudeStream = () => loadFixture('aws.bedrock', 'invoke-model-with-response-stream-claude-2');
const mistralStream = () => loadFixture('aws.bedrock', 'invoke-model-with-response-stream-mistral-ai-2');

describe('streams end their span exactly once', () => {
  let h: Harness;
  before(async () => {
    // A pause before each event-stream message, so that the app can stop or abort in the middle of a stream.
    h = await setup({}, 'current', { chunkDelayMs: 15 });
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  /** Spans that were ended more than once would show up as more ends than starts. */
  function assertEndedOnce(): void {
    assert.equal(h.counter.ended, h.counter.started);
  }

  test('break after the first event: one span, OK, the input Claude already reported, the output estimated', async () => {
    const fixture = claudeStream();
    h.fake.enqueue(fixture);
    const output = await h.client().send(commandFor(h.sdk, fixture));
    const seen: unknown[] = [];
    for await (const event of streamOf(output)!) {
      seen.push(event);
      break;
    }
    assert.equal(seen.length, 1);
    const span = only(await h.settle(1));
    assertEndedOnce();
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 22, "message_start's input count is real");
    assert.equal(span.attributes['llmtel.usage.estimated'], true, "message_start's output count is a placeholder");
    assert.equal(span.attributes['gen_ai.response.id'], 'msg_bdrk_01XT2XEQnNbdz91baTQTnbp1');
  });

  test('return() on the iterator ends the span; later next() calls are the SDK iterator done', async () => {
    const fixture = converseStream();
    h.fake.enqueue(fixture);
    const output = await h.client().send(commandFor(h.sdk, fixture));
    const iterator = streamOf(output)![Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.deepEqual(first.value, { messageStart: { role: 'assistant' } });
    assert.deepEqual(await iterator.return!(), { done: true, value: undefined });
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
    only(await h.settle(1));
    assertEndedOnce();
  });

  test('an abort mid-stream: the SDK ends the stream early, the span records the abort, once', async () => {
    const fixture = mistralStream();
    h.fake.enqueue(fixture);
    const abort = new AbortController();
    const output = await h.client().send(commandFor(h.sdk, fixture), { abortSignal: abort.signal });
    let events = 0;
    // The SDK stops the stream quietly: the app's loop just ends.
    for await (const _ of streamOf(output)!) {
      if (++events === 3) abort.abort();
    }
    assert.ok(events >= 3 && events < 20, `${events} events before the abort took effect`);
    const span = only(await h.settle(1));
    assertEndedOnce();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'AbortError');
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], undefined, 'the last chunk with the usage never came');
  });

  test('a second iteration of a consumed stream does not end the span again', async () => {
    const fixture = converseStream();
    h.fake.enqueue(fixture);
    const output = await h.client().send(commandFor(h.sdk, fixture));
    const stream = streamOf(output)!;
    const first = await collect(stream);
    assert.equal(first.length, 5);
    await collect(stream).catch(() => undefined);
    const span = only(await h.settle(1));
    assertEndedOnce();
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 10);
  });

  test('many chunks: time to first chunk and time per output chunk, one usage from the last chunk', async () => {
    const fixture = mistralStream();
    h.fake.enqueue(fixture);
    const output = await h.client().send(commandFor(h.sdk, fixture));
    const events = await collect(streamOf(output)!);
    assert.equal(events.length, 20);
    const span = only(await h.settle(1));
    assertEndedOnce();
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 19);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 20);
    const metrics = await h.metrics();
    const model = { 'gen_ai.request.model': 'mistral.mistral-small-2402-v1:0', 'error.type': undefined };
    const first = pointsWhere(metrics.get('gen_ai.client.operation.time_to_first_chunk'), model);
    const perChunk = pointsWhere(metrics.get('gen_ai.client.operation.time_per_output_chunk'), model);
    assert.equal(first.length, 1);
    assert.equal(perChunk.length, 1);
    assert.ok(perChunk[0]!.value.count >= 1);
  });

  test('an event stream that is never read leaves the call open, and reading it later ends it', async () => {
    const fixture = converseStream();
    h.fake.enqueue(fixture);
    const output = await h.client().send(commandFor(h.sdk, fixture));
    await sleep(50);
    assert.equal(h.exporter.getFinishedSpans().length, 0, 'the span covers the stream, not just the first event');
    await collect(streamOf(output)!);
    only(await h.settle(1));
    assertEndedOnce();
  });
});

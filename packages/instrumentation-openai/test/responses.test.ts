import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanStatusCode } from '@opentelemetry/api';
import { loadFixture, splitSseEvents, type Fixture } from '@llmtel/test-utils';
import { asStream, collect, only, pointsWhere, setup, type Harness } from './helpers.ts';

type Json = Record<string, unknown>;

/** The streaming fixture with its terminal event rewritten (`response.completed` → `type`, fields merged). */
function withTerminal(type: string, patch: Json): Fixture {
  const fixture = loadFixture('openai', 'responses-create-streaming');
  const events = splitSseEvents(fixture.response.sse!).map((event) => {
    if (!event.startsWith('event: response.completed')) return event;
    const data = JSON.parse(event.slice(event.indexOf('data: ') + 6)) as { response: Json };
    const response = { ...data.response, ...patch };
    return `event: ${type}\ndata: ${JSON.stringify({ ...data, type, response })}\n\n`;
  });
  return { ...fixture, response: { ...fixture.response, sse: events.join('') } };
}

describe('responses.create', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  test('a response: chat span with usage from the response', async () => {
    const fixture = loadFixture('openai', 'responses-create-basic');
    h.fake.enqueue(fixture);
    const response = await h.client().responses.create(fixture.request.body as never);
    const span = only(await h.settle(1));
    assert.equal(span.name, 'chat gpt-4o-mini');
    assert.equal(span.attributes['gen_ai.operation.name'], 'chat');
    assert.equal(span.attributes['gen_ai.response.id'], response.id);
    assert.equal(span.attributes['gen_ai.response.model'], response.model);
    assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['stop']);
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], response.usage!.input_tokens);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], response.usage!.output_tokens);
    assert.equal(span.attributes['gen_ai.usage.cache_read.input_tokens'], 0);
    assert.equal(span.attributes['gen_ai.usage.reasoning.output_tokens'], 0);
    assert.equal(span.attributes['llmtel.usage.estimated'], false);
  });

  test('request parameters', async () => {
    const fixture = loadFixture('openai', 'responses-create-basic');
    h.fake.enqueue(fixture);
    await h.client().responses.create({
      model: 'gpt-4o-mini',
      input: 'hi',
      temperature: 0.2,
      top_p: 0.9,
      max_output_tokens: 64,
      text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object' } } },
    });
    const a = only(await h.settle(1)).attributes;
    assert.equal(a['gen_ai.request.temperature'], 0.2);
    assert.equal(a['gen_ai.request.top_p'], 0.9);
    assert.equal(a['gen_ai.request.max_tokens'], 64);
    assert.equal(a['gen_ai.output.type'], 'json');
  });

  test('a streamed response: every event reaches the app, usage from response.completed', async () => {
    const fixture = loadFixture('openai', 'responses-create-streaming');
    h.fake.enqueue(fixture);
    const events = (await collect(
      asStream(await h.client().responses.create(fixture.request.body as never)),
    )) as Json[];
    assert.equal(events.length, splitSseEvents(fixture.response.sse!).length);
    assert.equal(events.at(-1)!.type, 'response.completed');
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], fixture.usage!.input_tokens);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], fixture.usage!.output_tokens);
    assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['stop']);
    const ttfc = pointsWhere((await h.metrics()).get('gen_ai.client.operation.time_to_first_chunk'), {
      'gen_ai.request.model': 'gpt-4o-mini',
    });
    assert.equal(ttfc.length, 1);
  });

  test('responses.stream() makes one span', async () => {
    const fixture = loadFixture('openai', 'responses-create-streaming');
    h.fake.enqueue(fixture);
    const runner = h.client().responses.stream(fixture.request.body as never);
    const final = await runner.finalResponse();
    assert.equal(final.output_text, 'This is a test.');
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], fixture.usage!.input_tokens);
  });

  test('response.incomplete (max_output_tokens) finishes with length', async () => {
    h.fake.enqueue(
      withTerminal('response.incomplete', {
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
      }),
    );
    await collect(await h.client().responses.create({ model: 'gpt-4o-mini', input: 'x', stream: true }));
    const span = only(await h.settle(1));
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['length']);
  });

  test('response.failed ends the span as an error, the app still gets every event', async () => {
    h.fake.enqueue(
      withTerminal('response.failed', {
        status: 'failed',
        error: { code: 'server_error', message: 'The model broke' },
      }),
    );
    const events = await collect(await h.client().responses.create({ model: 'gpt-4o-mini', input: 'x', stream: true }));
    assert.equal(events.at(-1)!.type, 'response.failed');
    const span = only(await h.settle(1));
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'server_error');
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 22);
  });

  test('breaking out of a streamed response ends the span once', async () => {
    h.fake.enqueue(loadFixture('openai', 'responses-create-streaming'));
    for await (const event of await h.client().responses.create({ model: 'gpt-4o-mini', input: 'x', stream: true })) {
      if (event.type === 'response.output_text.delta') break;
    }
    const span = only(await h.settle(1));
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.ok(String(span.attributes['gen_ai.response.id']).startsWith('resp_'));
    assert.equal(span.attributes['llmtel.usage.estimated'], true);
  });
});

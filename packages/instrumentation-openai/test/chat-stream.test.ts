import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanStatusCode } from '@opentelemetry/api';
import { loadFixture, syntheticChatCompletionStream, type Fixture } from '@llmtel/test-utils';
import type { Stream } from 'openai/streaming';
import { asStream, collect, only, pointsWhere, setup, type Harness } from './helpers.ts';

type Chunk = { choices: unknown[]; usage?: unknown };

describe('chat.completions.create({ stream: true })', () => {
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

  function stream(fixture: Fixture, body = fixture.request.body): Promise<Stream<Chunk>> {
    h.fake.enqueue(fixture);
    return h.client().chat.completions.create(body as never) as unknown as Promise<Stream<Chunk>>;
  }

  test('a completed stream ends its span once, with usage, finish reason and chunk timings', async () => {
    const fixture = syntheticChatCompletionStream({
      model: 'stream-timing-model',
      chunks: 5,
      includeUsage: true,
      usage: { input_tokens: 40, output_tokens: 5 },
    });
    const chunks = await collect(await stream(fixture));
    assert.equal(chunks.length, 8, 'role chunk, 5 content chunks, finish chunk, usage chunk');
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 40);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 5);
    assert.equal(span.attributes['llmtel.usage.estimated'], false);
    assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['stop']);

    const metrics = await h.metrics();
    const where = { 'gen_ai.request.model': 'stream-timing-model' };
    const ttfc = pointsWhere(metrics.get('gen_ai.client.operation.time_to_first_chunk'), where);
    const perChunk = pointsWhere(metrics.get('gen_ai.client.operation.time_per_output_chunk'), where);
    assert.equal(ttfc.length, 1);
    assert.equal(ttfc[0]!.value.count, 1);
    assert.ok(ttfc[0]!.value.sum! >= 0);
    assert.equal(perChunk[0]!.value.count, 1);
  });

  test('asks for include_usage, reads the usage chunk and hides it from the app', async () => {
    const options = { model: 'gpt-4o-mini', chunks: 3, usage: { input_tokens: 17, output_tokens: 3 } };
    const answered = syntheticChatCompletionStream({ ...options, includeUsage: true });
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true };
    const chunks = await collect(await stream(answered, body));

    assert.deepEqual(body, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const sent = h.fake.requests.at(-1)!.body as { stream_options?: unknown };
    assert.deepEqual(sent.stream_options, { include_usage: true });
    assert.equal(chunks.length, 5, 'the usage-only chunk is not the app’s');
    for (const chunk of chunks) {
      assert.ok(chunk.choices.length > 0);
      assert.equal('usage' in chunk, false, 'no "usage": null the app did not ask for');
    }
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 17);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 3);
    assert.equal(span.attributes['llmtel.usage.estimated'], false);
  });

  test('an app that asked for usage gets its usage chunk', async () => {
    const fixture = loadFixture('openai', 'streaming-chat-completions-records-usage');
    const chunks = await collect(await stream(fixture));
    const last = chunks.at(-1)!;
    assert.equal(last.choices.length, 0);
    assert.deepEqual(last.usage, fixture.usage!.raw);
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null));
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], fixture.usage!.input_tokens);
  });

  test('include_usage: false is respected', async () => {
    const fixture = syntheticChatCompletionStream({ model: 'gpt-4o-mini', chunks: 2, includeUsage: false });
    const body = { ...(fixture.request.body as object), stream_options: { include_usage: false } };
    await collect(await stream(fixture, body));
    assert.deepEqual((h.fake.requests.at(-1)!.body as { stream_options: unknown }).stream_options, {
      include_usage: false,
    });
    assert.equal(only(await h.settle(1)).attributes['llmtel.usage.estimated'], true);
  });

  test('enrichStreamUsage: false sends the request unchanged and estimates usage', async () => {
    h.instrumentation.setConfig({ enrichStreamUsage: false });
    try {
      const fixture = syntheticChatCompletionStream({ model: 'gpt-4o-mini', chunks: 4, includeUsage: false });
      await collect(await stream(fixture));
      assert.equal(h.fake.requests.at(-1)!.rawBody.includes('stream_options'), false);
      const span = only(await h.settle(1));
      assert.equal(span.attributes['llmtel.usage.estimated'], true);
      assert.ok((span.attributes['gen_ai.usage.output_tokens'] as number) > 0);
    } finally {
      h.instrumentation.setConfig({});
    }
  });

  test('break ends the span once, without an error', async () => {
    const fixture = syntheticChatCompletionStream({ model: 'gpt-4o-mini', chunks: 20, includeUsage: true });
    let seen = 0;
    for await (const _chunk of await stream(fixture)) {
      if (++seen === 3) break;
    }
    const span = only(await h.settle(1));
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(span.attributes['gen_ai.response.model'], 'gpt-4o-mini');
    assert.equal(span.attributes['llmtel.usage.estimated'], true);
  });

  test('controller.abort() mid-stream ends the span once', async () => {
    const fixture = loadFixture('openai', 'streaming-chat-completions-does-not-prevent-usage-of-abort');
    const s = await stream(fixture);
    const received: unknown[] = [];
    for await (const chunk of s) {
      received.push(chunk);
      s.controller.abort();
    }
    assert.equal(received.length, 1);
    const span = only(await h.settle(1));
    assert.equal(span.status.code, SpanStatusCode.UNSET);
  });

  test('an error event mid-stream fails the span and reaches the app unchanged', async () => {
    const good = syntheticChatCompletionStream({ model: 'gpt-4o-mini', chunks: 2, includeUsage: false });
    const firstEvent = good.response.sse!.split('\n\n')[0]!;
    const broken: Fixture = {
      ...good,
      response: {
        ...good.response,
        sse: `${firstEvent}\n\ndata: {"error":{"message":"overloaded","type":"server_error","code":"server_overloaded"}}\n\n`,
      },
    };
    const s = await stream(broken);
    const received: unknown[] = [];
    await assert.rejects(
      async () => {
        for await (const chunk of s) received.push(chunk);
      },
      (error: Error & { code?: string }) => error.message.includes('overloaded') && error.code === 'server_overloaded',
    );
    assert.equal(received.length, 1);
    const span = only(await h.settle(1));
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'server_overloaded');
    assert.equal(span.attributes['gen_ai.response.model'], 'gpt-4o-mini');
  });

  test('tee(): both branches get every chunk, one span', async () => {
    const fixture = loadFixture('openai', 'streaming-chat-completions-does-not-prevent-usage-of-tee');
    const [left, right] = (await stream(fixture)).tee();
    const [a, b] = await Promise.all([collect(left), collect(right)]);
    assert.equal(a.length, 5);
    assert.deepEqual(a, b);
    const span = only(await h.settle(1));
    assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['stop']);
  });

  test('double iteration fails as in the SDK, and does not end the span twice', async () => {
    const fixture = loadFixture('openai', 'streaming-chat-completions-does-not-misbehave-with-double-iteration');
    const s = await stream(fixture);
    const first = await collect(s);
    assert.ok(first.length > 0);
    await assert.rejects(() => collect(s), /Cannot iterate over a consumed stream/);
    const span = only(await h.settle(1));
    assert.equal(span.status.code, SpanStatusCode.UNSET);
  });

  test('toReadableStream() is observed like iteration', async () => {
    const fixture = syntheticChatCompletionStream({ model: 'gpt-4o-mini', chunks: 3, includeUsage: true });
    const readable = (await stream(fixture)).toReadableStream();
    const text = await new Response(readable).text();
    assert.equal(text.trim().split('\n').length, 6);
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 3);
  });

  test('withResponse() on a stream returns the SDK stream', async () => {
    const fixture = syntheticChatCompletionStream({ model: 'gpt-4o-mini', chunks: 2, includeUsage: true });
    h.fake.enqueue(fixture);
    const { data, response } = await h
      .client()
      .chat.completions.create(fixture.request.body as never)
      .withResponse();
    assert.equal(response.headers.get('x-request-id'), fixture.response.headers['x-request-id']);
    assert.equal((await collect(asStream(data))).length, 5);
    only(await h.settle(1));
  });

  test('chat.completions.stream() makes one span per request', async () => {
    const fixture = syntheticChatCompletionStream({
      model: 'gpt-4o-mini',
      chunks: ['Hel', 'lo'],
      includeUsage: true,
      usage: { input_tokens: 9, output_tokens: 2 },
    });
    h.fake.enqueue(fixture);
    const runner = h.client().chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello.' }],
    });
    const deltas: string[] = [];
    runner.on('content', (delta) => deltas.push(delta));
    const final = await runner.finalChatCompletion();
    assert.equal(final.choices[0]!.message.content, 'Hello');
    assert.deepEqual(deltas, ['Hel', 'lo']);
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 9);
    assert.deepEqual((h.fake.requests.at(-1)!.body as { stream_options: unknown }).stream_options, {
      include_usage: true,
    });
  });

  test('runTools({ stream: true }): one span per model request', async () => {
    h.fake.enqueue(
      loadFixture('openai', 'streaming-chat-completions-records-tool-calls-1'),
      loadFixture('openai', 'streaming-chat-completions-records-tool-calls-2'),
    );
    const first = loadFixture('openai', 'streaming-chat-completions-records-tool-calls-1').request.body as {
      messages: never[];
    };
    const runner = h.client().chat.completions.runTools({
      model: 'gpt-4o-mini',
      messages: first.messages,
      stream: true,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather in a city',
            parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
            function: (args: { location: string }) => (args.location === 'London' ? '15 and rain' : '25 and sun'),
            parse: JSON.parse,
          },
        },
      ],
    });
    const content = await runner.finalContent();
    assert.ok(typeof content === 'string' && content.length > 0);
    const spans = await h.settle(2);
    assert.equal(spans.length, 2);
    assert.deepEqual(
      spans.map((s) => s.attributes['gen_ai.response.finish_reasons']),
      [['tool_calls'], ['stop']],
    );
  });
});

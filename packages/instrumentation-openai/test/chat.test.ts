import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { loadFixture, syntheticChatCompletion } from '@llmtel/test-utils';
import { only, pointsWhere, setup, type Harness } from './helpers.ts';

const PACKAGE_JSON = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('chat.completions.create', () => {
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

  test('one CLIENT span with the request, response and usage attributes', async () => {
    const fixture = loadFixture('openai', 'chat-completions-records-all-the-client-options');
    h.fake.enqueue(fixture);
    const body = fixture.request.body as Record<string, unknown>;
    const completion = await h.client().chat.completions.create(body as never);
    const span = only(await h.settle(1));

    assert.equal(span.name, 'chat gpt-4o-mini');
    assert.equal(span.kind, SpanKind.CLIENT);
    assert.equal(span.instrumentationScope.name, '@llmtel/instrumentation-openai');
    assert.equal(span.instrumentationScope.version, PACKAGE_JSON.version);
    const a = span.attributes;
    assert.equal(a['gen_ai.operation.name'], 'chat');
    assert.equal(a['gen_ai.provider.name'], 'openai');
    assert.equal(a['gen_ai.request.model'], 'gpt-4o-mini');
    assert.equal(a['gen_ai.response.model'], completion.model);
    assert.equal(a['gen_ai.response.id'], completion.id);
    assert.deepEqual(a['gen_ai.response.finish_reasons'], ['stop']);
    // Request parameters exactly as the app sent them.
    assert.equal(a['gen_ai.request.temperature'], body.temperature);
    assert.equal(a['gen_ai.request.top_p'], body.top_p);
    assert.equal(a['gen_ai.request.max_tokens'], body.max_tokens);
    assert.equal(a['gen_ai.request.frequency_penalty'], body.frequency_penalty);
    assert.equal(a['gen_ai.request.presence_penalty'], body.presence_penalty);
    assert.equal(a['gen_ai.request.seed'], body.seed);
    assert.deepEqual(a['gen_ai.request.stop_sequences'], typeof body.stop === 'string' ? [body.stop] : body.stop);
    assert.equal(a['gen_ai.output.type'], 'text');
    assert.equal(a['gen_ai.usage.input_tokens'], completion.usage!.prompt_tokens);
    assert.equal(a['gen_ai.usage.output_tokens'], completion.usage!.completion_tokens);
    assert.equal(a['llmtel.usage.estimated'], false);
    assert.equal(a['openai.response.system_fingerprint'], completion.system_fingerprint ?? undefined);
  });

  test('records token usage and duration metrics', async () => {
    const fixture = syntheticChatCompletion({
      model: 'metrics-model',
      usage: { input_tokens: 1234, output_tokens: 56, cache_read_input_tokens: 1000, reasoning_tokens: 20 },
    });
    h.fake.enqueue(fixture);
    await h.client().chat.completions.create(fixture.request.body as never);
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 1234);
    assert.equal(span.attributes['gen_ai.usage.cache_read.input_tokens'], 1000);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 56);
    assert.equal(span.attributes['gen_ai.usage.reasoning.output_tokens'], 20);

    const metrics = await h.metrics();
    const base = { 'gen_ai.request.model': 'metrics-model', 'gen_ai.provider.name': 'openai' };
    const input = pointsWhere(metrics.get('gen_ai.client.token.usage'), { ...base, 'gen_ai.token.type': 'input' });
    const output = pointsWhere(metrics.get('gen_ai.client.token.usage'), { ...base, 'gen_ai.token.type': 'output' });
    assert.equal(input.length, 1);
    assert.equal(input[0]!.value.sum, 1234);
    assert.equal(output[0]!.value.sum, 56);
    const duration = pointsWhere(metrics.get('gen_ai.client.operation.duration'), base);
    assert.equal(duration[0]!.value.count, 1);
    assert.equal(duration[0]!.attributes['error.type'], undefined);
    assert.equal(duration[0]!.attributes['gen_ai.operation.name'], 'chat');
  });

  test('every choice contributes its finish reason', async () => {
    const fixture = loadFixture('openai', 'chat-completions-records-multiple-choices');
    h.fake.enqueue(fixture);
    const body = fixture.request.body as { n: number };
    const completion = await h.client().chat.completions.create(fixture.request.body as never);
    const span = only(await h.settle(1));
    assert.deepEqual(
      span.attributes['gen_ai.response.finish_reasons'],
      completion.choices.map((c) => c.finish_reason),
    );
    assert.equal(span.attributes['gen_ai.request.choice.count'], body.n);
  });

  test('a tool call finishes with tool_calls', async () => {
    const fixture = loadFixture('openai', 'chat-completions-records-tool-calls-1');
    h.fake.enqueue(fixture);
    await h.client().chat.completions.create(fixture.request.body as never);
    const span = only(await h.settle(1));
    assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['tool_calls']);
  });

  test('the span is a child of the active span, and the SDK runs in the span context', async () => {
    const fixture = syntheticChatCompletion({ model: 'gpt-4o-mini' });
    h.fake.enqueue(fixture);
    const tracer = h.tracerProvider.getTracer('test');
    const parent = tracer.startSpan('parent');
    let seenDuringFetch: string | undefined;
    const client = h.client({
      fetch: (url: string, init: RequestInit) => {
        seenDuringFetch = trace.getActiveSpan()?.spanContext().spanId;
        return fetch(url, init);
      },
    });
    await context.with(trace.setSpan(context.active(), parent), () =>
      client.chat.completions.create(fixture.request.body as never),
    );
    parent.end();
    const span = only((await h.settle(2)).filter((s) => s.name !== 'parent'));
    assert.equal(span.parentSpanContext?.spanId, parent.spanContext().spanId);
    assert.equal(span.spanContext().traceId, parent.spanContext().traceId);
    assert.equal(seenDuringFetch, span.spanContext().spanId);
  });

  test('asResponse() keeps the body unread and still ends the span', async () => {
    const fixture = syntheticChatCompletion({ model: 'gpt-4o-mini', content: 'raw body' });
    h.fake.enqueue(fixture);
    const response = await h
      .client()
      .chat.completions.create(fixture.request.body as never)
      .asResponse();
    const json = (await response.json()) as { choices: { message: { content: string } }[] };
    assert.equal(json.choices[0]!.message.content, 'raw body');
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.request.model'], 'gpt-4o-mini');
    // Nobody parsed the body for the instrumentation: no usage was read, the input is estimated.
    assert.equal(span.attributes['llmtel.usage.estimated'], true);
  });

  test('withResponse() ends the span with the parsed usage', async () => {
    const fixture = syntheticChatCompletion({ model: 'gpt-4o-mini', usage: { input_tokens: 7, output_tokens: 3 } });
    h.fake.enqueue(fixture);
    const { data, response } = await h
      .client()
      .chat.completions.create(fixture.request.body as never)
      .withResponse();
    assert.equal(response.status, 200);
    assert.equal(data.usage?.prompt_tokens, 7);
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 7);
    assert.equal(span.attributes['llmtel.usage.estimated'], false);
  });

  test('chat.completions.parse() makes one span', async () => {
    const fixture = syntheticChatCompletion({ model: 'gpt-4o-mini', content: '{"answer":42}' });
    h.fake.enqueue(fixture);
    const parsed = await h.client().chat.completions.parse({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'answer' }],
      response_format: { type: 'json_object' },
    });
    assert.equal(parsed.choices[0]!.message.content, '{"answer":42}');
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.output.type'], 'json');
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 6);
  });

  test('no content attributes unless content capture is on', async () => {
    const fixture = loadFixture('openai', 'chat-completions-adds-genai-conventions-with-system-message');
    h.fake.enqueue(fixture);
    await h.client().chat.completions.create(fixture.request.body as never);
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.input.messages'], undefined);
    assert.equal(span.attributes['gen_ai.output.messages'], undefined);
    assert.equal(span.attributes['gen_ai.system_instructions'], undefined);
  });

  test('legacy completions.create makes a text_completion span', async () => {
    h.fake.enqueue({
      ...syntheticChatCompletion({ model: 'gpt-3.5-turbo-instruct' }),
      request: { method: 'POST', path: '/v1/completions', body: null },
      response: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: {
          id: 'cmpl-1',
          object: 'text_completion',
          created: 1750000000,
          model: 'gpt-3.5-turbo-instruct',
          choices: [{ text: ' world', index: 0, logprobs: null, finish_reason: 'length' }],
          usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
        },
      },
    });
    const completion = await h.client().completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'hello',
      max_tokens: 1,
    });
    assert.equal(completion.choices[0]!.text, ' world');
    const span = only(await h.settle(1));
    assert.equal(span.name, 'text_completion gpt-3.5-turbo-instruct');
    assert.equal(span.attributes['gen_ai.operation.name'], 'text_completion');
    assert.equal(span.attributes['gen_ai.request.max_tokens'], 1);
    assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['length']);
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 2);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 1);
  });

  test('disable() restores the SDK: no spans', async () => {
    const fixture = syntheticChatCompletion({ model: 'gpt-4o-mini' });
    h.fake.enqueue(fixture);
    h.instrumentation.disable();
    try {
      await h.client().chat.completions.create(fixture.request.body as never);
    } finally {
      h.instrumentation.enable();
    }
    assert.equal((await h.settle()).length, 0);
  });
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { withLlmContext } from '@llmtel/core';
import { loadFixture, syntheticChatCompletion, syntheticChatCompletionStream } from '@llmtel/test-utils';
import { createOpenAI } from '@ai-sdk/openai';
import { LegacyOpenTelemetry, OpenTelemetry } from '@ai-sdk/otel';
import { embed, generateText, streamText } from 'ai';
import { billable, isChildOf, one, setup, tokenTotals, type Harness } from './helpers.ts';

// `@ai-sdk/openai` calls the API with fetch: the AI SDK's own span of each request is the only one, and owns the
// request's usage.
describe('AI SDK spans over a fetch-based provider', () => {
  let h: Harness;
  let openai: ReturnType<typeof createOpenAI>;
  before(async () => {
    h = await setup();
    openai = createOpenAI({ apiKey: 'test-key', baseURL: `${h.fake.url}/v1` });
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  it('@ai-sdk/otel spans: the chat span is billable and priced, the invoke_agent span is not', async () => {
    h.fake.enqueue(
      syntheticChatCompletion({
        model: 'ai-generate',
        responseModel: 'gpt-4o-mini-2024-07-18',
        usage: { input_tokens: 1000, output_tokens: 50, cache_read_input_tokens: 200 },
      }),
    );
    const result = await withLlmContext({ userId: 'user-1', tenantId: 'acme' }, () =>
      generateText({
        model: openai.chat('ai-generate'),
        prompt: 'hi',
        maxRetries: 0,
        telemetry: { integrations: [new OpenTelemetry()] },
      }),
    );
    assert.equal(result.text, 'Hello from a synthetic completion.');

    const spans = await h.settle(3);
    const chat = one(spans, 'chat ai-generate');
    const root = one(spans, 'invoke_agent ai-generate');
    assert.deepEqual(billable(spans), [chat]);
    const a = chat.attributes;
    assert.equal(a['gen_ai.provider.name'], 'openai');
    assert.equal(a['gen_ai.operation.name'], 'chat');
    assert.equal(a['gen_ai.usage.input_tokens'], 1000);
    assert.equal(a['gen_ai.usage.cache_read.input_tokens'], 200);
    assert.equal(a['gen_ai.usage.output_tokens'], 50);
    assert.equal(a['llmtel.usage.estimated'], false);
    assert.equal(a['user.id'], 'user-1');
    assert.equal(a['llmtel.tenant.id'], 'acme');
    assert.equal(typeof a['llmtel.usage.cost_usd'], 'number');
    assert.ok((a['llmtel.usage.cost_usd'] as number) > 0);
    assert.equal(root.attributes['gen_ai.usage.input_tokens'], 1000, 'the AI SDK repeats the usage on the call span');
    assert.equal(root.attributes['llmtel.usage.billable'], false, '…which must then never be counted');
    assert.equal(root.attributes['llmtel.usage.cost_usd'], undefined);

    const totals = await tokenTotals(h, 'ai-generate');
    assert.deepEqual(totals.input, { count: 1, sum: 1000 });
    assert.deepEqual(totals.output, { count: 1, sum: 50 });
    assert.equal(totals.costPoints, 1);
    assert.equal(totals.durations, 1);
    assert.equal(totals.firstChunks.count, 0, 'no time to first chunk for a call that does not stream');
  });

  it('@ai-sdk/otel spans of a stream: the same', async () => {
    h.fake.enqueue(
      syntheticChatCompletionStream({
        model: 'ai-stream',
        chunks: ['Hel', 'lo'],
        includeUsage: true,
        usage: { input_tokens: 12, output_tokens: 2 },
      }),
    );
    const result = streamText({
      model: openai.chat('ai-stream'),
      prompt: 'hi',
      maxRetries: 0,
      telemetry: { integrations: [new OpenTelemetry()] },
    });
    assert.equal(await result.text, 'Hello');

    const spans = await h.settle(3);
    const chat = one(spans, 'chat ai-stream');
    assert.deepEqual(billable(spans), [chat]);
    assert.equal(chat.attributes['gen_ai.usage.input_tokens'], 12);
    const totals = await tokenTotals(h, 'ai-stream');
    assert.deepEqual(totals.input, { count: 1, sum: 12 });
    assert.deepEqual(totals.output, { count: 1, sum: 2 });
    const seconds = chat.attributes['gen_ai.client.operation.time_to_first_chunk'];
    assert.equal(typeof seconds, 'number', '@ai-sdk/otel reports the time to first chunk on the chat span');
    assert.deepEqual(
      totals.firstChunks,
      { count: 1, sum: seconds },
      'recorded once, with the value the AI SDK measured',
    );
  });

  it('the legacy span format: doGenerate gets the GenAI attributes and owns the usage', async () => {
    h.fake.enqueue(syntheticChatCompletion({ model: 'ai-legacy', usage: { input_tokens: 30, output_tokens: 4 } }));
    await generateText({
      model: openai.chat('ai-legacy'),
      prompt: 'hi',
      maxRetries: 0,
      telemetry: { integrations: [new LegacyOpenTelemetry()] },
    });

    const spans = await h.settle(2);
    const request = one(spans, 'ai.generateText.doGenerate');
    const call = one(spans, 'ai.generateText');
    assert.ok(isChildOf(request, call));
    assert.deepEqual(billable(spans), [request]);
    const a = request.attributes;
    assert.equal(a['gen_ai.operation.name'], 'chat');
    assert.equal(a['gen_ai.provider.name'], 'openai', 'from ai.model.provider openai.chat');
    assert.equal(a['gen_ai.request.model'], 'ai-legacy');
    assert.equal(a['gen_ai.usage.input_tokens'], 30);
    assert.equal(a['gen_ai.usage.output_tokens'], 4);
    assert.equal(call.attributes['llmtel.usage.billable'], false);
    const totals = await tokenTotals(h, 'ai-legacy');
    assert.deepEqual(totals.input, { count: 1, sum: 30 });
  });

  it('the legacy span format, streamText: doStream records its time to first chunk', async () => {
    h.fake.enqueue(
      syntheticChatCompletionStream({
        model: 'ai-legacy-stream',
        chunks: ['o', 'k'],
        includeUsage: true,
        usage: { input_tokens: 14, output_tokens: 2 },
      }),
    );
    const result = streamText({
      model: openai.chat('ai-legacy-stream'),
      prompt: 'hi',
      maxRetries: 0,
      telemetry: { integrations: [new LegacyOpenTelemetry()] },
    });
    assert.equal(await result.text, 'ok');

    const spans = await h.settle(2);
    const request = one(spans, 'ai.streamText.doStream');
    assert.deepEqual(billable(spans), [request]);
    const ms = request.attributes['ai.response.msToFirstChunk'];
    assert.equal(typeof ms, 'number');
    const totals = await tokenTotals(h, 'ai-legacy-stream');
    assert.deepEqual(totals.input, { count: 1, sum: 14 });
    assert.deepEqual(totals.firstChunks, { count: 1, sum: (ms as number) / 1000 });
  });

  it('a failed request: an ERROR span with error.type, metered once with it', async () => {
    h.fake.enqueue(loadFixture('openai', 'chat-completion-404'));
    const model = (loadFixture('openai', 'chat-completion-404').request.body as { model: string }).model;
    await assert.rejects(
      generateText({
        model: openai.chat(model),
        prompt: 'hi',
        maxRetries: 0,
        telemetry: { integrations: [new OpenTelemetry()] },
      }),
    );
    const spans = await h.settle(3);
    const chat = one(spans, `chat ${model}`);
    assert.equal(chat.status.code, SpanStatusCode.ERROR);
    assert.equal(typeof chat.attributes['error.type'], 'string');
    assert.notEqual(chat.attributes['error.type'], '_OTHER');
    assert.equal(chat.attributes['llmtel.usage.billable'], true);
    assert.equal((await tokenTotals(h, model)).durations, 1);
  });

  it('embeddings: one billable embeddings span', async () => {
    const fixture = loadFixture('openai', 'embeddings-adds-genai-conventions');
    const body = fixture.request.body as { model: string };
    h.fake.enqueue(fixture);
    await embed({
      model: openai.embedding(body.model),
      value: 'hello',
      maxRetries: 0,
      telemetry: { integrations: [new OpenTelemetry()] },
    });
    const spans = await h.settle(2);
    const [request, ...others] = billable(spans);
    assert.equal(others.length, 0);
    assert.ok(request);
    assert.equal(request.attributes['gen_ai.operation.name'], 'embeddings');
    assert.equal(request.attributes['gen_ai.usage.input_tokens'], fixture.usage!.input_tokens);
    const call = spans.find((s) => s !== request)!;
    assert.ok(isChildOf(request, call), 'the request span is the one under the embed call span');
    assert.equal((await tokenTotals(h, body.model)).durations, 1);
  });
});

import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { GenAiTelemetry, PricingTable, withLlmContext, type ModelPrice } from '@llmtel/core';
import { createTestOtel, dataPoints } from '@llmtel/test-utils';

const otel = createTestOtel();
const prices: ModelPrice[] = [
  { provider: 'openai', model: 'gpt-test', input: 2, output: 8, cacheRead: 0.5, effectiveFrom: '2025-01-01' },
];
const telemetry = new GenAiTelemetry({
  tracer: () => otel.tracerProvider.getTracer('test'),
  meter: () => otel.meterProvider.getMeter('test'),
  pricing: new PricingTable(prices),
});

after(() => otel.shutdown());
beforeEach(() => otel.exporter.reset());

describe('GenAiTelemetry', () => {
  it('records one CLIENT span with request, response, usage and cost attributes', () => {
    const call = telemetry.startCall({
      provider: 'openai',
      operation: 'chat',
      requestModel: 'gpt-test',
      serverAddress: 'api.example.test',
      serverPort: 443,
      requestAttributes: { 'gen_ai.request.temperature': 0.2 },
    });
    call.end({
      responseModel: 'gpt-test',
      responseId: 'chatcmpl-1',
      finishReasons: ['stop'],
      usage: { inputTokens: 1_000, outputTokens: 500, cacheReadInputTokens: 400 },
    });
    call.end({ usage: { inputTokens: 1 } });
    call.fail(new Error('late'));

    const [span, ...rest] = otel.exporter.getFinishedSpans();
    assert.equal(rest.length, 0, 'exactly one span, however often end/fail are called');
    assert.ok(span);
    assert.equal(span.name, 'chat gpt-test');
    assert.equal(span.kind, SpanKind.CLIENT);
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    const a = span.attributes;
    assert.equal(a['gen_ai.operation.name'], 'chat');
    assert.equal(a['gen_ai.provider.name'], 'openai');
    assert.equal(a['gen_ai.request.model'], 'gpt-test');
    assert.equal(a['gen_ai.request.temperature'], 0.2);
    assert.equal(a['gen_ai.response.model'], 'gpt-test');
    assert.equal(a['gen_ai.response.id'], 'chatcmpl-1');
    assert.deepEqual(a['gen_ai.response.finish_reasons'], ['stop']);
    assert.equal(a['gen_ai.usage.input_tokens'], 1_000);
    assert.equal(a['gen_ai.usage.output_tokens'], 500);
    assert.equal(a['gen_ai.usage.cache_read.input_tokens'], 400);
    assert.equal(a['server.address'], 'api.example.test');
    assert.equal(a['llmtel.usage.billable'], true);
    assert.equal(a['llmtel.usage.estimated'], false);
    // 600 uncached × $2/M + 400 cached × $0.5/M + 500 × $8/M = 0.0012 + 0.0002 + 0.004
    assert.ok(Math.abs((a['llmtel.usage.cost_usd'] as number) - 0.0054) < 1e-12);
    assert.equal(a['gen_ai.input.messages'], undefined, 'content capture is off by default');
  });

  it('puts attribution on the span and never on metrics', async () => {
    await withLlmContext({ userId: 'u-1', sessionId: 's-1', agentName: 'planner', tenantId: 't-1' }, async () => {
      const call = telemetry.startCall({ provider: 'openai', operation: 'chat', requestModel: 'gpt-test' });
      await Promise.resolve();
      call.end({ usage: { inputTokens: 10, outputTokens: 5 } });
    });
    const [span] = otel.exporter.getFinishedSpans();
    assert.equal(span?.attributes['user.id'], 'u-1');
    assert.equal(span?.attributes['gen_ai.conversation.id'], 's-1');
    assert.equal(span?.attributes['gen_ai.agent.name'], 'planner');
    assert.equal(span?.attributes['llmtel.tenant.id'], 't-1');
    const metrics = await otel.collect();
    for (const name of ['gen_ai.client.token.usage', 'gen_ai.client.operation.duration']) {
      for (const dp of dataPoints(metrics, name)) {
        assert.equal(dp.attributes['user.id'], undefined, `${name} must not carry user.id`);
      }
    }
  });

  it('gives an unknown model no cost attribute, and no cost metric', async () => {
    const before = dataPoints(await otel.collect(), 'llmtel.client.cost_usd').length;
    const call = telemetry.startCall({ provider: 'openai', operation: 'chat', requestModel: 'no-such-model' });
    call.end({ usage: { inputTokens: 10, outputTokens: 5 } });
    const [span] = otel.exporter.getFinishedSpans();
    assert.equal(span?.attributes['llmtel.usage.cost_usd'], undefined);
    assert.equal(span?.attributes['gen_ai.usage.input_tokens'], 10);
    const costPoints = dataPoints(await otel.collect(), 'llmtel.client.cost_usd');
    assert.equal(costPoints.filter((p) => p.attributes['gen_ai.request.model'] === 'no-such-model').length, 0);
    assert.equal(costPoints.length, before);
  });

  it('records failures with ERROR status, error.type, and error.type on the duration metric', async () => {
    const err = Object.assign(new Error('The model does not exist'), { status: 404, code: 'model_not_found' });
    const call = telemetry.startCall({ provider: 'openai', operation: 'chat', requestModel: 'gpt-missing' });
    call.fail(err);
    const [span] = otel.exporter.getFinishedSpans();
    assert.equal(span?.status.code, SpanStatusCode.ERROR);
    assert.equal(span?.attributes['error.type'], 'model_not_found');
    const durations = dataPoints(await otel.collect(), 'gen_ai.client.operation.duration');
    assert.ok(durations.some((p) => p.attributes['error.type'] === 'model_not_found'));
  });

  it('records token, duration, cost and streaming metrics with bounded attributes', async () => {
    const call = telemetry.startCall({
      provider: 'openai',
      operation: 'chat',
      requestModel: 'gpt-test',
      streaming: true,
    });
    call.recordChunk();
    call.recordChunk();
    call.recordChunk();
    call.end({ responseModel: 'gpt-test', usage: { inputTokens: 7, outputTokens: 3 } });
    const metrics = await otel.collect();
    const tokens = dataPoints(metrics, 'gen_ai.client.token.usage').filter(
      (p) => p.attributes['gen_ai.request.model'] === 'gpt-test',
    );
    const types = new Set(tokens.map((p) => p.attributes['gen_ai.token.type']));
    assert.deepEqual([...types].sort(), ['input', 'output']);
    assert.ok(dataPoints(metrics, 'gen_ai.client.operation.time_to_first_chunk').length > 0);
    assert.ok(dataPoints(metrics, 'gen_ai.client.operation.time_per_output_chunk').length > 0);
    const cost = dataPoints(metrics, 'llmtel.client.cost_usd');
    assert.ok(cost.length > 0);
    for (const p of [...tokens, ...cost]) {
      const keys = Object.keys(p.attributes).sort();
      for (const k of keys) {
        assert.ok(
          [
            'gen_ai.operation.name',
            'gen_ai.provider.name',
            'gen_ai.request.model',
            'gen_ai.response.model',
            'gen_ai.token.type',
            'server.address',
            'server.port',
            'error.type',
          ].includes(k),
          `unexpected metric attribute ${k}`,
        );
      }
    }
  });

  it('estimates missing usage with the tokenizer and flags it', async () => {
    const call = telemetry.startCall({
      provider: 'openai',
      operation: 'chat',
      requestModel: 'gpt-test',
      estimateInputText: () => 'hello world',
    });
    call.end({ estimateOutputText: () => 'hi there, how are you' });
    const deadline = Date.now() + 10_000;
    while (otel.exporter.getFinishedSpans().length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const [span] = otel.exporter.getFinishedSpans();
    assert.equal(span?.attributes['llmtel.usage.estimated'], true);
    assert.equal(span?.attributes['gen_ai.usage.input_tokens'], 2); // "hello", " world" in o200k_base
    assert.equal(span?.attributes['gen_ai.usage.output_tokens'], 6);
  });

  it('marks non-billable wrapper calls and keeps their tokens out of the token and cost metrics', async () => {
    const call = telemetry.startCall({
      provider: 'openai',
      operation: 'chat',
      requestModel: 'gpt-wrapper',
      billable: false,
    });
    call.end({ usage: { inputTokens: 10, outputTokens: 5 } });
    const [span] = otel.exporter.getFinishedSpans();
    assert.equal(span?.attributes['llmtel.usage.billable'], false);
    assert.equal(span?.attributes['llmtel.usage.cost_usd'], undefined);
    const tokens = dataPoints(await otel.collect(), 'gen_ai.client.token.usage');
    assert.equal(tokens.filter((p) => p.attributes['gen_ai.request.model'] === 'gpt-wrapper').length, 0);
  });

  it('rejects a bad maxContentLength passed in code', () => {
    assert.throws(
      () =>
        new GenAiTelemetry({
          tracer: () => otel.tracerProvider.getTracer('t'),
          meter: () => otel.meterProvider.getMeter('t'),
          maxContentLength: -1,
        }),
      /maxContentLength/,
    );
  });
});

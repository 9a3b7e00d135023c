import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import {
  BillingScope,
  billingScopeOf,
  GenAiTelemetry,
  markBillableCall,
  PricingTable,
  registerSpanBillingScope,
  withBillingScope,
  withLlmCallbacks,
  type GenAiRequest,
} from '@llmtel/core';
import { createTestOtel, dataPoints } from '@llmtel/test-utils';

const otel = createTestOtel();
const telemetry = new GenAiTelemetry({
  tracer: () => otel.tracerProvider.getTracer('test'),
  meter: () => otel.meterProvider.getMeter('test'),
  pricing: new PricingTable([
    { provider: 'openai', model: 'gpt-test', input: 2, output: 8, effectiveFrom: '2025-01-01' },
  ]),
});

after(() => otel.shutdown());
beforeEach(() => otel.exporter.reset());

const request = (model: string, billable?: GenAiRequest['billable']): GenAiRequest => ({
  provider: 'openai',
  operation: 'chat',
  requestModel: model,
  billable,
});
const usage = { inputTokens: 100, outputTokens: 10 };

function spanNamed(name: string) {
  const span = otel.exporter.getFinishedSpans().find((s) => s.name === name);
  assert.ok(span, `no span named ${name}`);
  return span;
}

async function tokenPoints(model: string) {
  return dataPoints(await otel.collect(), 'gen_ai.client.token.usage').filter(
    (p) => p.attributes['gen_ai.request.model'] === model,
  );
}

describe('BillingScope', () => {
  it('settles billable when nothing under it was, and only once', () => {
    const scope = new BillingScope();
    assert.equal(scope.settle(), true);
    scope.markChildBillable();
    assert.equal(scope.settle(), true, 'a child that starts after the wrapper ended does not flip it');
  });

  it('a billable child takes the usage from every enclosing scope', () => {
    const outer = new BillingScope();
    const inner = new BillingScope(outer);
    inner.markChildBillable();
    assert.equal(inner.settle(), false);
    assert.equal(outer.settle(), false);
  });

  it('an inner scope that settles billable takes the usage from the outer one', () => {
    const outer = new BillingScope();
    const inner = new BillingScope(outer);
    assert.equal(inner.settle(), true);
    assert.equal(outer.childOwnsUsage, true);
    assert.equal(outer.settle(), false);
  });

  it('is found through the context, or through a span registered for it', () => {
    const scope = new BillingScope();
    assert.equal(billingScopeOf(ROOT_CONTEXT), undefined);
    assert.equal(billingScopeOf(withBillingScope(ROOT_CONTEXT, scope)), scope);

    const span = otel.tracerProvider.getTracer('test').startSpan('foreign wrapper');
    const spanScope = new BillingScope();
    registerSpanBillingScope(span, spanScope);
    const ctx = trace.setSpan(withBillingScope(ROOT_CONTEXT, scope), span);
    assert.equal(billingScopeOf(ctx), spanScope, "the active span's scope is the inner one");
    markBillableCall(ctx);
    assert.equal(spanScope.childOwnsUsage, true);
    span.end();
  });
});

describe('GenAiTelemetry with billable: deferred', () => {
  it('a deferred span over a billable call is not billable: one span with cost, one set of token metrics', async () => {
    const wrapper = telemetry.startCall(request('deferred-over-sdk', 'deferred'));
    const provider = context.with(wrapper.context, () => telemetry.startCall(request('deferred-over-sdk')));
    assert.equal(
      spanParent(provider.span),
      wrapper.span.spanContext().spanId,
      'the provider span is a child of the wrapper',
    );
    provider.end({ responseModel: 'gpt-test', usage });
    wrapper.end({ responseModel: 'gpt-test', usage });

    const spans = otel.exporter.getFinishedSpans();
    const billable = spans.filter((s) => s.attributes['llmtel.usage.billable'] === true);
    assert.equal(billable.length, 1);
    assert.equal(billable[0]!.spanContext().spanId, provider.span.spanContext().spanId);
    const wrapperSpan = spans.find((s) => s.spanContext().spanId === wrapper.span.spanContext().spanId)!;
    assert.equal(wrapperSpan.attributes['llmtel.usage.billable'], false);
    assert.equal(wrapperSpan.attributes['llmtel.usage.cost_usd'], undefined);
    assert.equal(wrapperSpan.attributes['gen_ai.usage.input_tokens'], 100, 'the wrapper still shows its usage');

    const points = await tokenPoints('deferred-over-sdk');
    const input = points.filter((p) => p.attributes['gen_ai.token.type'] === 'input');
    assert.equal(input.length, 1);
    assert.equal((input[0]!.value as { count: number; sum: number }).count, 1);
  });

  it('a deferred span with nothing billable under it owns the usage', async () => {
    const wrapper = telemetry.startCall(request('deferred-over-fetch', 'deferred'));
    wrapper.end({ responseModel: 'gpt-test', usage });
    const span = spanNamed('chat deferred-over-fetch');
    assert.equal(span.attributes['llmtel.usage.billable'], true);
    assert.equal(typeof span.attributes['llmtel.usage.cost_usd'], 'number');
    const points = await tokenPoints('deferred-over-fetch');
    assert.equal(points.filter((p) => p.attributes['gen_ai.token.type'] === 'output').length, 1);
  });

  it('nested deferred spans leave the usage with the innermost one', () => {
    const outer = telemetry.startCall(request('nested-outer', 'deferred'));
    const inner = context.with(outer.context, () => telemetry.startCall(request('nested-inner', 'deferred')));
    inner.end({ usage });
    outer.end({ usage });
    assert.equal(spanNamed('chat nested-inner').attributes['llmtel.usage.billable'], true);
    assert.equal(spanNamed('chat nested-outer').attributes['llmtel.usage.billable'], false);
  });

  it('billable: false never marks the wrapper', () => {
    const wrapper = telemetry.startCall(request('over-non-billable', 'deferred'));
    const child = context.with(wrapper.context, () => telemetry.startCall(request('non-billable-child', false)));
    child.end({ usage });
    wrapper.end({ usage });
    assert.equal(spanNamed('chat over-non-billable').attributes['llmtel.usage.billable'], true);
    assert.equal(spanNamed('chat non-billable-child').attributes['llmtel.usage.billable'], false);
  });
});

async function durationCount(model: string): Promise<number> {
  return dataPoints(await otel.collect(), 'gen_ai.client.operation.duration')
    .filter((p) => p.attributes['gen_ai.request.model'] === model)
    .reduce((n, p) => n + (p.value as { count: number }).count, 0);
}

describe('one set of metrics per provider request', () => {
  it('a wrapper over a billable call records no duration or time to first chunk of its own', async () => {
    const wrapper = telemetry.startCall(request('metrics-once', 'deferred'));
    const provider = context.with(wrapper.context, () => telemetry.startCall(request('metrics-once')));
    provider.recordChunk();
    wrapper.recordChunk();
    provider.end({ responseModel: 'gpt-test', usage });
    wrapper.end({ responseModel: 'gpt-test', usage });
    assert.equal(await durationCount('metrics-once'), 1);
    const ttfc = dataPoints(await otel.collect(), 'gen_ai.client.operation.time_to_first_chunk').filter(
      (p) => p.attributes['gen_ai.request.model'] === 'metrics-once',
    );
    assert.equal(
      ttfc.reduce((n, p) => n + (p.value as { count: number }).count, 0),
      1,
    );
  });

  it("a time to first chunk measured elsewhere is recorded in the call's series, unless chunks were seen", async () => {
    const measured = telemetry.startCall(request('ttfc-measured'));
    measured.end({ responseModel: 'gpt-test', usage, timeToFirstChunkMs: 250 });
    const points = dataPoints(await otel.collect(), 'gen_ai.client.operation.time_to_first_chunk').filter(
      (p) => p.attributes['gen_ai.request.model'] === 'ttfc-measured',
    );
    assert.equal(points.length, 1);
    assert.equal(points[0]!.attributes['gen_ai.response.model'], 'gpt-test', 'the same series as the duration');
    assert.deepEqual(
      [(points[0]!.value as { count: number }).count, (points[0]!.value as { sum: number }).sum],
      [1, 0.25],
    );
  });
});

describe('a call answered without a provider request (noProviderRequest)', () => {
  it('keeps its span, not billable, with no usage, cost or metrics; the wrapper around it is not billed', async () => {
    const seen: { billable: boolean; costUsd?: number }[] = [];
    const outer = telemetry.startCall(request('cached-outer', 'deferred'));
    const cached = context.with(outer.context, () =>
      withLlmCallbacks({ onLlmEnd: (e) => void seen.push(e) }, () =>
        telemetry.startCall({ ...request('cached-run', 'deferred'), estimateInputText: () => 'never counted' }),
      ),
    );
    cached.end({ responseModel: 'gpt-test', usage, noProviderRequest: true, attributes: { 'test.cached': true } });
    outer.end({ responseModel: 'gpt-test' });

    const span = spanNamed('chat cached-run');
    assert.equal(span.attributes['llmtel.usage.billable'], false);
    assert.equal(span.attributes['llmtel.usage.cost_usd'], undefined);
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], undefined, 'reported usage is not a measurement');
    assert.equal(span.attributes['llmtel.usage.estimated'], false, 'nothing was estimated either');
    assert.equal(span.attributes['test.cached'], true);
    assert.equal(span.attributes['gen_ai.response.model'], 'gpt-test');
    assert.equal(spanNamed('chat cached-outer').attributes['llmtel.usage.billable'], false);
    assert.equal(await durationCount('cached-run'), 0);
    assert.equal((await tokenPoints('cached-run')).length, 0);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, [seen[0]]);
    assert.equal(seen[0]!.billable, false);
    assert.equal(seen[0]!.costUsd, undefined);
  });
});

function spanParent(span: unknown): string | undefined {
  return (span as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId;
}

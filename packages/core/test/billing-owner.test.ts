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

function spanParent(span: unknown): string | undefined {
  return (span as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId;
}

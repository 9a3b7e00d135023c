import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, beforeEach, describe, it } from 'node:test';
import { context, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import {
  activeNativeSpanClaim,
  GenAiTelemetry,
  interceptNativeSpans,
  isInterceptingTracer,
  NativeSpanClaim,
  resolveNativeSpanMode,
  runWithNativeSpanClaim,
  type NativeSpanMode,
} from '@llmtel/core';
import { createTestOtel } from '@llmtel/test-utils';

const otel = createTestOtel();
const telemetry = new GenAiTelemetry({
  tracer: () => otel.tracerProvider.getTracer('llmtel-test'),
  meter: () => otel.meterProvider.getMeter('llmtel-test'),
});
/** Plays the part of a provider SDK's own tracer, wrapped as an instrumentation wraps it. */
const sdkTracer: Tracer = interceptNativeSpans(
  otel.tracerProvider.getTracer('fake.sdk'),
  (name) => name === 'sdk.chat',
);

after(() => otel.shutdown());
beforeEach(() => otel.exporter.reset());

function claimOf(mode: NativeSpanMode, ownsContent = false): NativeSpanClaim {
  return new NativeSpanClaim({
    kind: 'test',
    mode,
    ownsContent,
    startCall: () => telemetry.startCall({ provider: 'openai', operation: 'chat', requestModel: 'gpt-test' }),
  });
}

function finished() {
  return otel.exporter.getFinishedSpans();
}

describe('native spans', () => {
  it('resolves the mode: merge by default, a bad value in code throws', () => {
    assert.equal(resolveNativeSpanMode(undefined), 'merge');
    assert.equal(resolveNativeSpanMode('suppress'), 'suppress');
    assert.throws(() => resolveNativeSpanMode('off'), RangeError);
  });

  it('wraps a tracer once', () => {
    assert.ok(isInterceptingTracer(sdkTracer));
    assert.equal(
      interceptNativeSpans(sdkTracer, () => true),
      sdkTracer,
    );
    assert.ok(!isInterceptingTracer(otel.tracerProvider.getTracer('fake.sdk')));
  });

  it("leaves the SDK's spans alone when no claim is in effect, or when they are not its GenAI spans", () => {
    sdkTracer.startSpan('sdk.chat').end();
    const claim = claimOf('merge');
    runWithNativeSpanClaim(claim, context.active(), () => sdkTracer.startSpan('sdk.list_models').end());
    assert.deepEqual(
      finished().map((s) => [s.instrumentationScope.name, s.name]),
      [
        ['fake.sdk', 'sdk.chat'],
        ['fake.sdk', 'sdk.list_models'],
      ],
    );
    assert.equal(claim.call, undefined, 'an unmatched span starts no call');
  });

  it('merge: the SDK records onto the llmtel span, which ends after the SDK let go of it', async () => {
    const claim = claimOf('merge');
    const call = claim.start();
    const standIn = runWithNativeSpanClaim(claim, call.context, () =>
      sdkTracer.startSpan('sdk.chat', { attributes: { 'http.route': '/chat', 'gen_ai.request.model': 'other' } }),
    );
    assert.deepEqual(standIn.spanContext(), call.span.spanContext());
    assert.ok(standIn.isRecording());
    standIn.setAttribute('http.response.status_code', 200);
    standIn.setAttributes({ 'gen_ai.usage.input_tokens': 999, 'sdk.request_id': 'req_1' });
    standIn.setStatus({ code: SpanStatusCode.OK });
    standIn.updateName('sdk.chat');

    claim.settle(() => call.end({ usage: { inputTokens: 10, outputTokens: 2 } }));
    assert.equal(finished().length, 0, 'waits for the SDK');
    standIn.setAttribute('sdk.late', true);
    standIn.end();
    standIn.end();
    standIn.setAttribute('sdk.after_end', true);

    const spans = finished();
    assert.equal(spans.length, 1);
    const [span] = spans;
    assert.equal(span!.name, 'chat gpt-test');
    assert.equal(span!.instrumentationScope.name, 'llmtel-test');
    assert.equal(span!.status.code, SpanStatusCode.UNSET);
    const a = span!.attributes;
    assert.equal(a['http.route'], '/chat');
    assert.equal(a['http.response.status_code'], 200);
    assert.equal(a['sdk.request_id'], 'req_1');
    assert.equal(a['sdk.late'], true);
    assert.equal(a['sdk.after_end'], undefined);
    assert.equal(a['gen_ai.request.model'], 'gpt-test', "llmtel's attributes are never overwritten");
    assert.equal(a['gen_ai.usage.input_tokens'], 10);
    await nextTurn();
    assert.equal(finished().length, 1);
  });

  it('merge: waits at most until the next turn when the SDK never ends its span', async () => {
    const claim = claimOf('merge');
    const call = claim.start();
    runWithNativeSpanClaim(claim, call.context, () => sdkTracer.startSpan('sdk.chat'));
    claim.settle(() => call.end());
    assert.equal(finished().length, 0);
    await nextTurn();
    assert.equal(finished().length, 1);
  });

  it("suppress: the SDK records nothing but propagates the llmtel span's context; nothing waits", () => {
    const claim = claimOf('suppress');
    const call = claim.start();
    const standIn = runWithNativeSpanClaim(claim, call.context, () =>
      sdkTracer.startSpan('sdk.chat', { attributes: { 'http.route': '/chat' } }),
    );
    assert.ok(!standIn.isRecording());
    assert.deepEqual(standIn.spanContext(), call.span.spanContext());
    standIn.setAttribute('sdk.request_id', 'req_1');
    claim.settle(() => call.end());
    assert.equal(finished().length, 1);
    assert.equal(finished()[0]!.attributes['http.route'], undefined);
    assert.equal(finished()[0]!.attributes['sdk.request_id'], undefined);
  });

  it('starts the call lazily when the SDK starts its span first, and hands out one stand-in per claim', () => {
    const claim = claimOf('merge');
    const [first, second] = runWithNativeSpanClaim(claim, context.active(), () => [
      sdkTracer.startSpan('sdk.chat'),
      sdkTracer.startSpan('sdk.chat'),
    ]);
    assert.ok(claim.call !== undefined);
    assert.deepEqual(first.spanContext(), claim.call.span.spanContext());
    assert.notDeepEqual(second.spanContext(), claim.call.span.spanContext(), "a second span is the SDK's own");
    second.end();
    first.end();
    claim.settle(() => claim.call!.end());
    assert.equal(finished().length, 2);
  });

  it('finds the claim through the context after an await, and through startActiveSpan', async () => {
    const claim = claimOf('merge');
    const call = claim.start();
    const found = await runWithNativeSpanClaim(claim, call.context, async () => {
      await nextTurn();
      assert.equal(activeNativeSpanClaim(), claim);
      return sdkTracer.startActiveSpan('sdk.chat', (span) => {
        assert.deepEqual(trace.getActiveSpan()?.spanContext(), call.span.spanContext());
        span.end();
        return span;
      });
    });
    assert.deepEqual(found.spanContext(), call.span.spanContext());
    assert.equal(activeNativeSpanClaim(), undefined, 'not in effect outside');
    claim.settle(() => call.end());
    assert.equal(finished().length, 1);
  });

  it('binds a claim once', () => {
    const claim = claimOf('merge');
    assert.equal(claim.bind(), true);
    assert.equal(claim.bind(), false);
  });

  it("keeps the SDK's content unless llmtel captures content itself", () => {
    for (const ownsContent of [false, true]) {
      otel.exporter.reset();
      const claim = claimOf('merge', ownsContent);
      const call = claim.start();
      const standIn = runWithNativeSpanClaim(claim, call.context, () => sdkTracer.startSpan('sdk.chat'));
      standIn.setAttribute('gen_ai.input.messages', '[]');
      standIn.end();
      claim.settle(() => call.end());
      assert.equal(finished()[0]!.attributes['gen_ai.input.messages'], ownsContent ? undefined : '[]');
    }
  });

  it('settles once', () => {
    const claim = claimOf('merge');
    const call = claim.start();
    let runs = 0;
    claim.settle(() => {
      runs++;
      call.end();
    });
    claim.settle(() => runs++);
    assert.equal(runs, 1);
    assert.ok(claim.settled);
  });
});

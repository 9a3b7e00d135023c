import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { context, diag, DiagLogLevel, ProxyTracerProvider, trace, type DiagLogger } from '@opentelemetry/api';
import {
  CompositeCallbackHandler,
  GenAiTelemetry,
  globalCallbackHandlers,
  PricingTable,
  registerLlmCallbackHandler,
  withLlmCallbacks,
  withLlmContext,
  type LlmCallbackHandler,
  type LlmEndEvent,
  type LlmErrorEvent,
  type LlmStartEvent,
} from '@llmtel/core';
import { createTestOtel } from '@llmtel/test-utils';

const otel = createTestOtel();
const telemetry = new GenAiTelemetry({
  tracer: () => otel.tracerProvider.getTracer('test'),
  meter: () => otel.meterProvider.getMeter('test'),
  pricing: new PricingTable([
    { provider: 'openai', model: 'gpt-test', input: 1, output: 2, effectiveFrom: '2025-01-01' },
  ]),
});

const warnings: string[] = [];
const logger: DiagLogger = {
  error: (m) => warnings.push(m),
  warn: (m) => warnings.push(m),
  info: () => {},
  debug: () => {},
  verbose: () => {},
};
diag.setLogger(logger, DiagLogLevel.WARN);

after(() => otel.shutdown());
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  warnings.length = 0;
});

function recorder() {
  const events: { starts: LlmStartEvent[]; ends: LlmEndEvent[]; errors: LlmErrorEvent[] } = {
    starts: [],
    ends: [],
    errors: [],
  };
  const handler: LlmCallbackHandler = {
    name: 'recorder',
    onLlmStart: (e) => void events.starts.push(e),
    onLlmEnd: (e) => void events.ends.push(e),
    onLlmError: (e) => void events.errors.push(e),
  };
  return { events, handler };
}

function makeCall(fail = false) {
  const call = telemetry.startCall({
    provider: 'openai',
    operation: 'chat',
    requestModel: 'gpt-test',
    inputMessages: () => [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
  });
  const t0 = performance.now();
  if (fail) call.fail(Object.assign(new Error('rate limited'), { status: 429 }));
  else call.end({ responseModel: 'gpt-test', usage: { inputTokens: 1_000_000, outputTokens: 0 } });
  return performance.now() - t0;
}

describe('callbacks', () => {
  it('delivers start and end events with usage, cost, attribution and the call id', async () => {
    const { events, handler } = recorder();
    const composite = new CompositeCallbackHandler([handler]);
    cleanups.push(registerLlmCallbackHandler(composite));
    withLlmContext({ userId: 'alice' }, () => makeCall());
    await globalCallbackHandlers().flush();
    assert.equal(events.starts.length, 1);
    assert.equal(events.ends.length, 1);
    const end = events.ends[0]!;
    assert.equal(end.attribution.userId, 'alice');
    assert.equal(end.usage.inputTokens, 1_000_000);
    assert.equal(end.costUsd, 1);
    assert.deepEqual(end.inputMessages, [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
    const span = otel.exporter.getFinishedSpans().at(-1)!;
    assert.equal(end.callId, `${span.spanContext().traceId}-${span.spanContext().spanId}`);
  });

  it('delivers error events with error.type', async () => {
    const { events, handler } = recorder();
    const composite = new CompositeCallbackHandler([handler]);
    cleanups.push(registerLlmCallbackHandler(composite));
    makeCall(true);
    await globalCallbackHandlers().flush();
    assert.equal(events.errors.length, 1);
    assert.equal(events.errors[0]!.errorType, '429');
  });

  it('a throwing, a hanging and a slow handler change nothing for the caller or for other handlers', async () => {
    const { events, handler } = recorder();
    let slowDone = false;
    const composite = new CompositeCallbackHandler(
      [
        {
          name: 'throws',
          onLlmStart: () => {
            throw new Error('boom');
          },
          onLlmEnd: () => Promise.reject(new Error('async boom')),
        },
        { name: 'hangs', onLlmEnd: () => new Promise<void>(() => {}) },
        { name: 'slow', onLlmEnd: () => new Promise<void>((r) => setTimeout(() => ((slowDone = true), r()), 30)) },
        handler,
      ],
      { timeoutMs: 200 },
    );
    cleanups.push(registerLlmCallbackHandler(composite));
    const spansBefore = otel.exporter.getFinishedSpans().length;
    makeCall();
    // The call completed and its span ended before any handler ran: dispatch is off the caller's stack.
    assert.equal(otel.exporter.getFinishedSpans().length, spansBefore + 1);
    assert.equal(events.ends.length, 0);
    await globalCallbackHandlers().flush();
    assert.equal(events.ends.length, 1, 'the well-behaved handler still got its event');
    assert.equal(slowDone, true, 'the slow handler was allowed to finish within the timeout');
    assert.ok(warnings.some((w) => w.includes('throws.onLlmStart failed')));
    assert.ok(warnings.some((w) => w.includes('throws.onLlmEnd failed')));
    assert.ok(warnings.some((w) => w.includes('hangs.onLlmEnd did not settle within 200 ms')));
  });

  it('a handler that blocks synchronously does not run on the caller stack', async () => {
    let ran = false;
    const composite = new CompositeCallbackHandler([{ onLlmEnd: () => void (ran = true) }]);
    cleanups.push(registerLlmCallbackHandler(composite));
    makeCall();
    assert.equal(ran, false);
    await globalCallbackHandlers().flush();
    assert.equal(ran, true);
  });

  it('scopes handlers to a context with withLlmCallbacks, and supports adding at run time', async () => {
    const scoped = recorder();
    const composite = new CompositeCallbackHandler([scoped.handler]);
    withLlmCallbacks(composite, () => makeCall());
    makeCall();
    await new Promise((r) => setImmediate(r));
    await composite.flush();
    assert.equal(scoped.events.ends.length, 1, 'only the call inside withLlmCallbacks');

    const late = recorder();
    const remove = composite.add(late.handler);
    withLlmCallbacks(composite, () => makeCall());
    await new Promise((r) => setImmediate(r));
    await composite.flush();
    assert.equal(late.events.ends.length, 1);
    remove();
    assert.equal(composite.size, 1);
  });

  it('rejects a non-positive timeout passed in code', () => {
    assert.throws(() => new CompositeCallbackHandler([], { timeoutMs: 0 }), /timeoutMs/);
  });

  it('flush() returns once a handler that never settles has had its timeout', async () => {
    const composite = new CompositeCallbackHandler([{ name: 'hangs', onLlmEnd: () => new Promise<void>(() => {}) }], {
      timeoutMs: 30,
    });
    withLlmCallbacks(composite, () => makeCall());
    await new Promise((resolve) => setImmediate(resolve));
    await composite.flush();
    assert.ok(
      warnings.some((w) => w.includes('hangs.onLlmEnd did not settle')),
      'the hanging call is abandoned and said so',
    );
  });

  it("gives calls without a recording span distinct call ids (the no-op tracer repeats its parent's ids)", async () => {
    const noop = new GenAiTelemetry({
      // no delegate: the API's no-op tracer, whose spans carry the parent's ids
      tracer: () => new ProxyTracerProvider().getTracer('noop-test'),
      meter: () => otel.meterProvider.getMeter('test'),
    });
    const { events, handler } = recorder();
    const parent = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
    cleanups.push(registerLlmCallbackHandler(handler));
    context.with(trace.setSpan(context.active(), parent), () => {
      for (let i = 0; i < 3; i++) {
        noop.startCall({ provider: 'openai', operation: 'chat', requestModel: 'gpt-test' }).end({});
      }
    });
    await globalCallbackHandlers().flush();
    const ids = events.ends.map((e) => e.callId);
    assert.equal(ids.length, 3);
    assert.equal(new Set(ids).size, 3);
    for (const id of ids) assert.match(id, /^[0-9a-f]{32}-[0-9a-f]{16}$/);
  });

  it('marks the error event of a wrapper over a failed billable call billable: false', async () => {
    const { events, handler } = recorder();
    cleanups.push(registerLlmCallbackHandler(handler));
    const request = { provider: 'openai', operation: 'chat', requestModel: 'gpt-test' } as const;
    const wrapper = telemetry.startCall({ ...request, billable: 'deferred' });
    const inner = context.with(wrapper.context, () => telemetry.startCall(request));
    const error = Object.assign(new Error('overloaded'), { status: 529 });
    inner.fail(error);
    wrapper.fail(error);
    await globalCallbackHandlers().flush();
    assert.deepEqual(
      events.errors.map((e) => e.billable),
      [true, false],
    );
  });
});

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { withLlmContext } from '@llmtel/core';
import type { Fixture } from '@llmtel/test-utils';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  anthropicFixture,
  collect,
  LLMTEL_SCOPE,
  NATIVE_SCOPE,
  pointsWhere,
  requestBodyOf,
  setup,
  type Harness,
  type HistogramPoint,
} from './helpers.ts';

// @anthropic-ai/sdk 1.12 (this package's devDependency) starts its own `anthropic.messages.create` span whenever a
// global tracer provider is registered, which the harness does: these tests see the SDK's spans and llmtel's.

const NON_STREAM = 'thinking-non-streaming';
const STREAM = 'sync-messages-create-streaming-aggregates-cache-tokens';

/** A `messages.count_tokens` exchange (made up from the API reference: the recordings have none). */
const COUNT_TOKENS: Fixture = {
  provider: 'anthropic',
  operation: 'count_tokens',
  stream: false,
  source: 'synthetic:native-tracing.test.ts',
  synthetic: true,
  request: { method: 'POST', path: '/v1/messages/count_tokens', body: null },
  response: { status: 200, headers: { 'content-type': 'application/json' }, body: { input_tokens: 14 } },
  usage: null,
};

function traceparentOf(span: ReadableSpan): string {
  const { traceId, spanId } = span.spanContext();
  return `00-${traceId}-${spanId}-01`;
}

async function tokenPointCount(h: Harness, model: string): Promise<number> {
  const metric = (await h.metrics()).get('gen_ai.client.token.usage');
  return pointsWhere<HistogramPoint['value']>(metric, { 'gen_ai.response.model': model }).reduce(
    (n, p) => n + p.value.count,
    0,
  );
}

describe('@anthropic-ai/sdk with its own tracing on', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(() => h.close());
  afterEach(async () => {
    h.instrumentation.setConfig({});
    if (!h.instrumentation.isEnabled()) h.instrumentation.enable();
    delete process.env.ANTHROPIC_OPEN_TELEMETRY;
    await h.waitForSpans(0);
    h.reset();
  });

  it('without llmtel, the SDK makes a span of its own (so the tests below would see a duplicate)', async () => {
    h.instrumentation.disable();
    h.fake.enqueue(anthropicFixture(NON_STREAM));
    const fixture = anthropicFixture(NON_STREAM);
    await h.client().messages.create(requestBodyOf(fixture) as never);
    const spans = await h.waitForSpans(1);
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.instrumentationScope.name, NATIVE_SCOPE);
    assert.equal(spans[0]!.name, 'anthropic.messages.create');
    assert.equal(spans[0]!.attributes['llmtel.usage.billable'], undefined);
  });

  it('merges the SDK span into the one llmtel span: cost, billable, attribution, one set of token metrics', async () => {
    const fixture = anthropicFixture(NON_STREAM);
    h.fake.enqueue(fixture);
    const before = await tokenPointCount(h, 'claude-sonnet-4-6');
    const attribution = { userId: 'user-7', sessionId: 'session-3', agentName: 'planner', tenantId: 'acme' };
    const message = await withLlmContext(attribution, () =>
      h.client().messages.create(requestBodyOf(fixture) as never),
    );
    assert.equal(message.id, 'msg_01Anxf2S9gcewexr8M23HfZW');

    const spans = await h.waitForSpans(1);
    assert.equal(spans.length, 1, 'exactly one span for the request');
    const [span] = spans;
    assert.equal(span!.instrumentationScope.name, LLMTEL_SCOPE);
    assert.equal(span!.name, 'chat claude-sonnet-4-6');
    assert.equal(span!.kind, SpanKind.CLIENT);
    const a = span!.attributes;
    assert.equal(a['llmtel.usage.billable'], true);
    assert.equal(typeof a['llmtel.usage.cost_usd'], 'number');
    assert.equal(a['gen_ai.usage.input_tokens'], 52);
    assert.equal(a['gen_ai.usage.output_tokens'], 221);
    assert.equal(a['user.id'], 'user-7');
    assert.equal(a['gen_ai.conversation.id'], 'session-3');
    assert.equal(a['gen_ai.agent.name'], 'planner');
    assert.equal(a['llmtel.tenant.id'], 'acme');
    // What the SDK records as it makes and ends the call landed on the same span.
    assert.equal(a['http.route'], '/v1/messages');
    assert.equal(a['http.request.method'], 'POST');
    assert.equal(a['http.response.status_code'], 200);
    assert.equal(a['anthropic.message.stop_reason'], 'end_turn');
    assert.equal(span!.status.code, SpanStatusCode.UNSET, "the status is llmtel's");
    // The SDK's trace headers name the llmtel span.
    assert.equal(h.fake.requests.at(-1)!.headers.traceparent, traceparentOf(span!));
    assert.equal((await tokenPointCount(h, 'claude-sonnet-4-6')) - before, 2, 'one input and one output point');
  });

  it('merges a stream, with what the SDK records at its end, and ends once', async () => {
    const fixture = anthropicFixture(STREAM);
    h.fake.enqueue(fixture);
    const stream = await h.client().messages.create(requestBodyOf(fixture) as never);
    const events = await collect(stream as unknown as AsyncIterable<{ type: string }>);
    assert.equal(events.at(-1)!.type, 'message_stop');
    const spans = await h.waitForSpans(1);
    assert.equal(spans.length, 1);
    const a = spans[0]!.attributes;
    assert.equal(spans[0]!.instrumentationScope.name, LLMTEL_SCOPE);
    assert.equal(a['gen_ai.usage.input_tokens'], 13);
    assert.equal(a['gen_ai.usage.output_tokens'], 5);
    assert.equal(a['llmtel.usage.billable'], true);
    assert.equal(typeof a['gen_ai.response.time_to_first_chunk'], 'number', 'recorded by the SDK as the stream ran');
    assert.equal(a['anthropic.message.stop_reason'], 'end_turn', 'recorded by the SDK when the stream ended');
    assert.equal(a['anthropic.request.id'], 'req_011CYfQP44pFSHNJSnZKmaAe');
  });

  it('merges the messages.stream() helper, whose SDK span starts before messages.create() runs', async () => {
    const fixture = anthropicFixture(STREAM);
    h.fake.enqueue(fixture);
    const body = requestBodyOf(fixture);
    delete body.stream;
    const message = await h
      .client()
      .messages.stream(body as never)
      .finalMessage();
    assert.equal(message.content[0]!.type, 'text');
    const spans = await h.waitForSpans(1);
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.instrumentationScope.name, LLMTEL_SCOPE);
    assert.equal(spans[0]!.attributes['gen_ai.usage.output_tokens'], 5);
    assert.equal(spans[0]!.attributes['http.response.status_code'], 200);
    assert.equal(h.fake.requests.at(-1)!.headers.traceparent, traceparentOf(spans[0]!));
  });

  it("keeps the SDK's content when the user turned its content mode on (and llmtel's capture is off)", async () => {
    const fixture = anthropicFixture(NON_STREAM);
    h.fake.enqueue(fixture);
    const client = h.client({ openTelemetry: { traces: { contentMode: 'content' } } });
    await client.messages.create(requestBodyOf(fixture) as never);
    const spans = await h.waitForSpans(1);
    assert.equal(spans.length, 1);
    const input = spans[0]!.attributes['gen_ai.input.messages'];
    assert.equal(typeof input, 'string', "the SDK's content, as its user asked");
    assert.match(input as string, /27 \* 453/);
    assert.equal(spans[0]!.attributes['llmtel.usage.billable'], true);
  });

  it("uses llmtel's content only when both capture content", async () => {
    // The redactor marks llmtel's copy: without it both would read the same.
    h.instrumentation.setConfig({ captureMessageContent: true, contentRedactor: (text) => text.toUpperCase() });
    const fixture = anthropicFixture(NON_STREAM);
    h.fake.enqueue(fixture);
    const client = h.client({ openTelemetry: { traces: { contentMode: 'content' } } });
    await client.messages.create(requestBodyOf(fixture) as never);
    const [span] = await h.waitForSpans(1);
    const input = JSON.parse(span!.attributes['gen_ai.input.messages'] as string) as unknown;
    assert.deepEqual(input, [{ role: 'user', parts: [{ type: 'text', content: 'WHAT IS 27 * 453?' }] }]);
    assert.match(span!.attributes['gen_ai.output.messages'] as string, /SOLVING 27 × 453/);
  });

  for (const [how, client] of [
    ['openTelemetry: false', (hh: Harness) => hh.client({ openTelemetry: false })],
    [
      'ANTHROPIC_OPEN_TELEMETRY=false',
      (hh: Harness) => {
        process.env.ANTHROPIC_OPEN_TELEMETRY = 'false';
        return hh.client();
      },
    ],
  ] as const) {
    it(`respects the SDK tracing turned off with ${how}: the llmtel span alone`, async () => {
      const fixture = anthropicFixture(NON_STREAM);
      h.fake.enqueue(fixture);
      await client(h).messages.create(requestBodyOf(fixture) as never);
      const spans = await h.waitForSpans(1);
      assert.equal(spans.length, 1);
      assert.equal(spans[0]!.instrumentationScope.name, LLMTEL_SCOPE);
      assert.equal(spans[0]!.attributes['llmtel.usage.billable'], true);
      assert.equal(spans[0]!.attributes['http.route'], undefined, "nothing from the SDK's tracing");
      assert.equal(h.fake.requests.at(-1)!.headers.traceparent, undefined, 'the SDK propagates nothing either');
    });
  }

  it("nativeSpans: suppress keeps the SDK's attributes off, but its trace headers name the llmtel span", async () => {
    h.instrumentation.setConfig({ nativeSpans: 'suppress' });
    const fixture = anthropicFixture(STREAM);
    h.fake.enqueue(fixture);
    const stream = await h.client().messages.create(requestBodyOf(fixture) as never);
    await collect(stream as unknown as AsyncIterable<unknown>);
    const spans = await h.waitForSpans(1);
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.instrumentationScope.name, LLMTEL_SCOPE);
    assert.equal(spans[0]!.attributes['http.route'], undefined);
    assert.equal(spans[0]!.attributes['gen_ai.usage.output_tokens'], 5);
    assert.equal(h.fake.requests.at(-1)!.headers.traceparent, traceparentOf(spans[0]!));
  });

  it('rejects an unknown nativeSpans mode in code', () => {
    assert.throws(() => h.instrumentation.setConfig({ nativeSpans: 'both' as never }), RangeError);
  });

  it("a failed call is one ERROR span: llmtel's error.type, the SDK's status code", async () => {
    const fixture = anthropicFixture('sync-messages-create-api-error');
    h.fake.enqueue(fixture);
    await assert.rejects(h.client().messages.create(fixture.request.body as never));
    const spans = await h.waitForSpans(1);
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.status.code, SpanStatusCode.ERROR);
    assert.equal(spans[0]!.attributes['error.type'], 'not_found_error');
    assert.equal(spans[0]!.attributes['http.response.status_code'], 404);
    assert.equal(spans[0]!.attributes['anthropic.request.id'], 'req_011CYfQMhgSid28ainNjq126');
  });

  it("leaves the SDK's spans of other endpoints alone", async () => {
    h.fake.enqueue(COUNT_TOKENS);
    const counted = await h.client().messages.countTokens({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    assert.equal(counted.input_tokens, 14);
    const spans = await h.waitForSpans(1);
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.instrumentationScope.name, NATIVE_SCOPE);
    assert.equal(spans[0]!.name, 'anthropic.messages.count_tokens');
  });

  it('a break mid-stream ends the one span once, with the input tokens known so far', async () => {
    const fixture = anthropicFixture('thinking-streaming');
    h.fake.enqueue(fixture);
    const stream = await h.client().messages.create(requestBodyOf(fixture) as never);
    let seen = 0;
    for await (const event of stream as unknown as AsyncIterable<{ type: string }>) {
      if (event.type === 'content_block_delta' && ++seen === 2) break;
    }
    const spans = await h.waitForSpans(1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(h.spans().length, 1);
    const a = spans[0]!.attributes;
    assert.equal(spans[0]!.instrumentationScope.name, LLMTEL_SCOPE);
    assert.equal(a['gen_ai.usage.input_tokens'], 52);
    assert.equal(a['llmtel.usage.estimated'], true, 'the output count was not sent yet: estimated');
    assert.ok((a['gen_ai.usage.output_tokens'] as number) > 0);
  });
});

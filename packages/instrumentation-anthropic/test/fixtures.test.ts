import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { PricingTable } from '@llmtel/core';
import { loadFixtures, type Fixture } from '@llmtel/test-utils';
import {
  collect,
  LLMTEL_SCOPE,
  pointsWhere,
  requestBodyOf,
  setup,
  type Harness,
  type HistogramPoint,
} from './helpers.ts';

/** What the provider reported, as the conventions define the span attributes (input includes cache tokens). */
function expectedUsage(fixture: Fixture) {
  const u = fixture.usage!;
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const cacheCreation = u.cache_creation_input_tokens ?? 0;
  return {
    input: u.input_tokens! + cacheRead + cacheCreation,
    output: u.output_tokens!,
    cacheRead: u.cache_read_input_tokens ?? undefined,
    cacheCreation: u.cache_creation_input_tokens ?? undefined,
    reasoning: u.reasoning_tokens ?? undefined,
  };
}

/** `stop_reason` as the recording has it: in the body, or in the stream's `message_delta`. */
function stopReasonOf(fixture: Fixture): string {
  const body = fixture.response.body as { stop_reason?: string } | undefined;
  if (body?.stop_reason !== undefined) return body.stop_reason;
  return /"stop_reason":"([a-z_]+)"/.exec(fixture.response.sse ?? '')![1]!;
}

function idAndModelOf(fixture: Fixture): { id: string; model: string } {
  const body = fixture.response.body as { id: string; model: string } | undefined;
  if (body?.id !== undefined) return body;
  const sse = fixture.response.sse!;
  return { id: /"id":"(msg_[^"]+)"/.exec(sse)![1]!, model: /"model":"([^"]+)"/.exec(sse)![1]! };
}

async function tokenSums(h: Harness, model: string): Promise<{ input: number; output: number; count: number }> {
  const metric = (await h.metrics()).get('gen_ai.client.token.usage');
  const sum = (type: string) =>
    pointsWhere<HistogramPoint['value']>(metric, { 'gen_ai.response.model': model, 'gen_ai.token.type': type });
  const input = sum('input');
  const output = sum('output');
  return {
    input: input.reduce((n, p) => n + p.value.sum!, 0),
    output: output.reduce((n, p) => n + p.value.sum!, 0),
    count: input.reduce((n, p) => n + p.value.count, 0) + output.reduce((n, p) => n + p.value.count, 0),
  };
}

describe('replaying every recorded Anthropic exchange through the real SDK', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(() => h.close());

  const fixtures = loadFixtures('anthropic');
  it('has fixtures to replay', () => assert.ok(fixtures.length >= 8));

  for (const fixture of fixtures.filter((f) => f.response.status === 200)) {
    it(`${fixture.name}: tokens, finish reason, model and cost as recorded`, async () => {
      h.reset();
      h.fake.enqueue(fixture);
      const { id, model } = idAndModelOf(fixture);
      const before = await tokenSums(h, model);
      const body = requestBodyOf(fixture);
      const result = await h.client().messages.create(body as never);
      if (fixture.stream) await collect(result as unknown as AsyncIterable<unknown>);

      const spans = await h.waitForSpans(1);
      assert.equal(spans.length, 1, 'one span per request, whatever the SDK traces itself');
      const [span] = spans;
      assert.equal(span!.instrumentationScope.name, LLMTEL_SCOPE);
      assert.equal(span!.name, `chat ${body.model as string}`);
      assert.equal(span!.kind, SpanKind.CLIENT);
      assert.equal(span!.status.code, SpanStatusCode.UNSET);
      const a = span!.attributes;
      const usage = expectedUsage(fixture);
      assert.equal(a['gen_ai.provider.name'], 'anthropic');
      assert.equal(a['gen_ai.operation.name'], 'chat');
      assert.equal(a['gen_ai.response.model'], model);
      assert.equal(a['gen_ai.response.id'], id);
      assert.deepEqual(a['gen_ai.response.finish_reasons'], [stopReasonOf(fixture)]);
      assert.equal(a['gen_ai.usage.input_tokens'], usage.input);
      assert.equal(a['gen_ai.usage.output_tokens'], usage.output);
      assert.equal(a['gen_ai.usage.cache_read.input_tokens'], usage.cacheRead);
      assert.equal(a['gen_ai.usage.cache_creation.input_tokens'], usage.cacheCreation);
      assert.equal(a['gen_ai.usage.reasoning.output_tokens'], usage.reasoning);
      assert.equal(a['llmtel.usage.estimated'], false);
      assert.equal(a['llmtel.usage.billable'], true);
      assert.equal(a['server.address'], '127.0.0.1');
      assert.equal(a['gen_ai.request.max_tokens'], body.max_tokens);
      const expectedCost = PricingTable.defaults().cost('anthropic', model, {
        inputTokens: usage.input,
        outputTokens: usage.output,
        cacheReadInputTokens: usage.cacheRead,
        cacheCreationInputTokens: usage.cacheCreation,
        reasoningOutputTokens: usage.reasoning,
      });
      assert.ok(expectedCost !== undefined && expectedCost > 0, `the shipped table prices ${model}`);
      assert.equal(a['llmtel.usage.cost_usd'], expectedCost);
      assert.equal(a['gen_ai.input.messages'], undefined, 'no content unless asked for');
      assert.equal(a['gen_ai.output.messages'], undefined);

      const after = await tokenSums(h, model);
      assert.equal(after.input - before.input, usage.input);
      assert.equal(after.output - before.output, usage.output);
      assert.equal(after.count - before.count, 2, 'one input and one output data point, recorded once');
      assert.equal(h.fake.pendingCount(), 0);
    });
  }

  it('sync-messages-create-api-error: a 404 is an ERROR span with error.type, the app gets the SDK error', async () => {
    const fixture = fixtures.find((f) => f.name === 'sync-messages-create-api-error')!;
    h.reset();
    h.fake.enqueue(fixture);
    const client = h.client();
    await assert.rejects(client.messages.create(fixture.request.body as never), (error: unknown) => {
      assert.ok(error instanceof h.sdk.NotFoundError);
      assert.equal((error as { status: number }).status, 404);
      return true;
    });
    const spans = await h.waitForSpans(1);
    assert.equal(spans.length, 1);
    const [span] = spans;
    assert.equal(span!.name, 'chat invalid-model-name');
    assert.equal(span!.status.code, SpanStatusCode.ERROR);
    assert.equal(span!.attributes['error.type'], 'not_found_error');
    assert.equal(span!.attributes['gen_ai.usage.input_tokens'], undefined);
    assert.equal(span!.attributes['llmtel.usage.cost_usd'], undefined);
    assert.equal(span!.events.filter((e) => e.name === 'exception').length, 1);
    const duration = (await h.metrics()).get('gen_ai.client.operation.duration');
    const failed = pointsWhere<HistogramPoint['value']>(duration, {
      'gen_ai.request.model': 'invalid-model-name',
      'error.type': 'not_found_error',
    });
    assert.equal(
      failed.reduce((n, p) => n + p.value.count, 0),
      1,
    );
  });
});

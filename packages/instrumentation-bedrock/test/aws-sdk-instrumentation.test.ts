import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsInstrumentation } from '@opentelemetry/instrumentation-aws-sdk';
import { loadFixture } from '@llmtel/test-utils';
import { collect, commandFor, pointsWhere, replay, setup, streamOf, type Harness } from './helpers.ts';

// @opentelemetry/instrumentation-aws-sdk traces every AWS SDK call and, for Bedrock Runtime, adds GenAI attributes
// (including token counts) to its span. Run next to llmtel, its span is nested inside the llmtel span of the same
// call; llmtel marks it `llmtel.usage.billable=false`, so that each request is billed once.
describe('next to @opentelemetry/instrumentation-aws-sdk', () => {
  let h: Harness;
  let aws: AwsInstrumentation;
  before(async () => {
    // Enabled first, so that it patches the SDK when the harness loads it.
    aws = new AwsInstrumentation();
    h = await setup();
    aws.setTracerProvider(h.tracerProvider);
    aws.setMeterProvider(h.meterProvider);
  });
  after(async () => {
    aws.disable();
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  test('Converse: the AWS SDK span is a child of the llmtel span, and only the llmtel span is billable', async () => {
    const fixture = loadFixture('aws.bedrock', 'converse');
    h.fake.enqueue(fixture);
    const appView = await replay(h.client(), h.sdk, fixture);
    assert.notEqual(appView.kind, 'error', appView.json);
    const spans = await h.settle(2);
    assert.equal(spans.length, 2, spans.map((s) => s.name).join(', '));
    const ours = spans.find((s) => s.instrumentationScope.name === '@llmtel/instrumentation-bedrock')!;
    const theirs = spans.find((s) => s.instrumentationScope.name !== '@llmtel/instrumentation-bedrock')!;
    assert.ok(ours && theirs);
    assert.equal(theirs.parentSpanContext?.spanId, ours.spanContext().spanId);
    assert.equal(theirs.spanContext().traceId, ours.spanContext().traceId);
    assert.equal(ours.attributes['llmtel.usage.billable'], true);
    assert.equal(theirs.attributes['llmtel.usage.billable'], false);
    assert.equal(theirs.attributes['gen_ai.usage.input_tokens'], 8, 'their span does carry usage');
    const billable = spans.filter((s) => s.attributes['llmtel.usage.billable'] === true);
    assert.equal(billable.length, 1);
    assert.equal(billable[0]!.attributes['llmtel.usage.cost_usd'] !== undefined, true);

    // The AWS SDK instrumentation records its own `gen_ai.client.token.usage` too (under its scope, with
    // `gen_ai.system`); llmtel's series is unchanged by it.
    const ownTokens = pointsWhere((await h.metrics()).get('gen_ai.client.token.usage'), {
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.token.type': 'input',
    });
    assert.equal(ownTokens.length, 1);
    assert.equal(ownTokens[0]!.value.sum, 8);
  });

  test('ConverseStream: the events reach the app unchanged, one billable span', async () => {
    const fixture = loadFixture('aws.bedrock', 'converse-stream');
    h.fake.enqueue(fixture);
    const output = await h.client().send(commandFor(h.sdk, fixture));
    const events = await collect(streamOf(output)!);
    assert.equal(events.length, 5);
    const spans = await h.settle(2);
    const billable = spans.filter((s) => s.attributes['llmtel.usage.billable'] === true);
    assert.equal(billable.length, 1);
    assert.equal(billable[0]!.attributes['gen_ai.usage.output_tokens'], 10);
    for (const span of spans.filter((s) => s !== billable[0])) {
      assert.notEqual(span.attributes['llmtel.usage.billable'], true);
    }
  });
});

import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanStatusCode } from '@opentelemetry/api';
import { errorTypeOf } from '@llmtel/core';
import { loadFixture } from '@llmtel/test-utils';
import {
  commandFor,
  only,
  pointsWhere,
  signatureExpired,
  streamOf,
  syntheticFixture,
  type Harness,
  setup,
} from './helpers.ts';

describe('errors', () => {
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

  test('a throttled call the SDK retried and gave up on: one ERROR span, each retry an event', async () => {
    const fixture = syntheticFixture('converse-throttled');
    h.fake.enqueue(fixture, fixture);
    const client = h.client({ maxAttempts: 2 });
    await assert.rejects(client.send(commandFor(h.sdk, fixture)), (e: Error) => e.name === 'ThrottlingException');
    assert.equal(h.fake.pendingCount(), 0, 'the SDK made two attempts');
    const span = only(await h.settle(1));
    assert.equal(span.name, 'chat amazon.nova-micro-v1:0');
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'ThrottlingException');
    assert.equal(span.attributes['http.request.resend_count'], 1);
    assert.equal(span.attributes['aws.request_id'], fixture.response.headers['x-amzn-requestid']);
    assert.deepEqual(
      span.events.filter((e) => e.name === 'llmtel.retry').map((e) => e.attributes),
      [
        {
          'llmtel.retry.attempt': 1,
          'error.type': 'ThrottlingException',
          'http.response.status_code': 429,
          'aws.request_id': fixture.response.headers['x-amzn-requestid'],
        },
      ],
    );
    assert.deepEqual(
      span.events.map((e) => e.name),
      ['llmtel.retry', 'exception'],
    );
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], undefined, 'no usage is invented for a failed call');
    const durations = pointsWhere((await h.metrics()).get('gen_ai.client.operation.duration'), {
      'gen_ai.request.model': 'amazon.nova-micro-v1:0',
      'error.type': 'ThrottlingException',
    });
    assert.equal(durations.length, 1);
  });

  test('a rejected request is not retried: one attempt, one ERROR span, no retry event', async () => {
    const fixture = syntheticFixture('converse-validation-error');
    h.fake.enqueue(fixture);
    const sent = h.fake.requests.length;
    await assert.rejects(h.client().send(commandFor(h.sdk, fixture)), (e: Error) => e.name === 'ValidationException');
    assert.equal(h.fake.requests.length - sent, 1);
    const span = only(await h.settle(1));
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'ValidationException');
    assert.equal(span.attributes['http.request.resend_count'], undefined);
    assert.deepEqual(
      span.events.map((e) => e.name),
      ['exception'],
    );
  });

  test('the recorded 403 on every attempt: the SDK gives up after three, one ERROR span with two retry events', async () => {
    const fixture = signatureExpired(
      loadFixture('aws.bedrock', 'invoke-model-does-not-currently-add-genai-conventions-1-error-403'),
    );
    h.fake.enqueue(fixture, fixture, fixture);
    let caught: unknown;
    await assert.rejects(
      h
        .client()
        .send(commandFor(h.sdk, fixture))
        .catch((error: unknown) => {
          caught = error;
          throw error;
        }),
      (e: Error) => e.name === 'InvalidSignatureException',
    );
    assert.equal(h.fake.pendingCount(), 0);
    const span = only(await h.settle(1));
    assert.equal(span.name, 'text_completion amazon.titan-text-express-v1');
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    // The SDK has no class for this code: error.type is the core's reading of the error (its class).
    assert.equal(span.attributes['error.type'], errorTypeOf(caught));
    assert.equal(span.attributes['http.request.resend_count'], 2);
    assert.equal(span.attributes['aws.request_id'], fixture.response.headers['x-amzn-requestid']);
    const retries = span.events.filter((e) => e.name === 'llmtel.retry').map((e) => e.attributes);
    assert.deepEqual(
      retries.map((a) => [a!['llmtel.retry.attempt'], a!['error.type'], a!['http.response.status_code']]),
      [
        [1, 'InvalidSignatureException', 403],
        [2, 'InvalidSignatureException', 403],
      ],
    );
  });

  test('the recorded 403 with retries off: one ERROR span, no retry', async () => {
    const fixture = signatureExpired(
      loadFixture('aws.bedrock', 'invoke-model-with-response-stream-claude-1-error-403'),
    );
    h.fake.enqueue(fixture);
    let caught: unknown;
    await assert.rejects(
      h
        .client({ maxAttempts: 1 })
        .send(commandFor(h.sdk, fixture))
        .catch((error: unknown) => {
          caught = error;
          throw error;
        }),
    );
    const span = only(await h.settle(1));
    assert.equal(span.name, 'chat anthropic.claude-3-5-sonnet-20240620-v1:0');
    assert.equal(span.attributes['gen_ai.request.model'], 'anthropic.claude-3-5-sonnet-20240620-v1:0');
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], errorTypeOf(caught));
    assert.equal(span.attributes['http.request.resend_count'], undefined);
    assert.deepEqual(
      span.events.map((e) => e.name),
      ['exception'],
    );
  });

  test('an exception event mid-stream: the app gets the SDK error after the events before it, the span fails', async () => {
    const fixture = syntheticFixture('converse-stream-throttled-mid-stream');
    h.fake.enqueue(fixture);
    const output = await h.client().send(commandFor(h.sdk, fixture));
    const events: unknown[] = [];
    await assert.rejects(
      async () => {
        for await (const event of streamOf(output)!) events.push(event);
      },
      (e: Error) => e.name === 'ThrottlingException',
    );
    assert.equal(events.length, 2);
    const span = only(await h.settle(1));
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'ThrottlingException');
    assert.equal(span.attributes['gen_ai.request.model'], 'amazon.nova-lite-v1:0');
    const firstChunk = pointsWhere((await h.metrics()).get('gen_ai.client.operation.time_to_first_chunk'), {
      'gen_ai.request.model': 'amazon.nova-lite-v1:0',
    });
    assert.equal(firstChunk.length, 1, 'the delta before the error was a chunk');
  });

  test('callback style: the callback gets what it would get, the span ends with it', async () => {
    const ok = loadFixture('aws.bedrock', 'converse');
    const bad = syntheticFixture('converse-validation-error');
    h.fake.enqueue(ok, bad);
    const client = h.client();
    const viaCallback = (command: unknown) =>
      new Promise<[unknown, unknown]>((resolve) => {
        client.send(command as never, (error: unknown, output: unknown) => resolve([error, output]));
      });
    const [okError, okOutput] = await viaCallback(commandFor(h.sdk, ok));
    assert.equal(okError, null);
    assert.deepEqual((okOutput as { usage: unknown }).usage, (ok.response.body as { usage: unknown }).usage);
    const [badError] = await viaCallback(commandFor(h.sdk, bad));
    assert.equal((badError as Error).name, 'ValidationException');
    const spans = await h.settle(2);
    assert.equal(spans.length, 2);
    assert.deepEqual(
      spans.map((s) => [s.status.code, s.attributes['gen_ai.usage.input_tokens']]),
      [
        [SpanStatusCode.UNSET, 8],
        [SpanStatusCode.ERROR, undefined],
      ],
    );
  });
});

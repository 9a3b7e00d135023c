import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanStatusCode } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { loadLocalFixture, pointsWhere, setup, type Harness, type SdkMajor } from './helpers.ts';

for (const major of [3, 1] as SdkMajor[]) {
  /** v1 throws `ClientError` (the HTTP status only in its message) where later majors throw `ApiError`. */
  const errorClass = major === 1 ? 'ClientError' : 'ApiError';

  describe(`failed requests, @google/genai v${major}`, () => {
    let h: Harness;
    before(async () => {
      h = await setup({}, major);
    });
    after(() => h.close());

    test('a 400 answer: the app gets the SDK’s error, the span is an ERROR with the API’s error code', async () => {
      h.reset();
      h.fake.enqueue(loadLocalFixture('gcp.gemini', 'error-400-invalid-argument'));
      const error = await h
        .gemini()
        .models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hi' })
        .then(
          () => assert.fail('expected a rejection'),
          (err: unknown) => err,
        );
      assert.ok(error instanceof Error);
      assert.equal(error.name, errorClass);
      assert.match(error.message, /INVALID_ARGUMENT/);
      assert.equal(Object.hasOwn(error, 'status'), major !== 1, 'the app’s error is not changed');

      const [span, ...others] = await h.waitForSpans(1);
      assert.equal(others.length, 0);
      assert.equal(span!.name, 'generate_content gemini-2.0-flash');
      assert.equal(span!.status.code, SpanStatusCode.ERROR);
      assert.equal(span!.attributes['error.type'], 'INVALID_ARGUMENT');
      assert.equal(span!.attributes['gen_ai.provider.name'], 'gcp.gemini');
      assert.equal(span!.attributes['gen_ai.usage.input_tokens'], undefined, 'a rejected request used no tokens');
      assert.equal(span!.attributes['llmtel.usage.cost_usd'], undefined);
      assert.ok(span!.events.some((e) => e.name === 'exception'));

      const metrics = await h.metrics();
      const failed = pointsWhere<Histogram>(metrics.get('gen_ai.client.operation.duration'), {
        'error.type': 'INVALID_ARGUMENT',
      });
      assert.equal(
        failed.reduce((n, p) => n + p.value.count, 0),
        1,
      );
    });

    test('a 404 answer to a streaming request: the stream call rejects, one ERROR span with error.type NOT_FOUND', async () => {
      h.reset();
      h.fake.enqueue(loadLocalFixture('gcp.gemini', 'error-404-model-not-found'));
      await assert.rejects(
        h.gemini().models.generateContentStream({ model: 'gemini-0.9-nonexistent', contents: 'Hi' }),
        (err: unknown) => err instanceof Error && err.name === errorClass && /NOT_FOUND/.test(err.message),
      );
      const spans = await h.waitForSpans(1);
      assert.equal(spans.length, 1);
      assert.equal(spans[0]!.name, 'generate_content gemini-0.9-nonexistent');
      assert.equal(spans[0]!.status.code, SpanStatusCode.ERROR);
      assert.equal(spans[0]!.attributes['error.type'], 'NOT_FOUND');
    });

    test('an answer without the API’s error body (a proxy’s 503): error.type is the HTTP status', async () => {
      h.reset();
      h.fake.enqueue({
        provider: 'gcp.gemini',
        operation: 'generate_content',
        stream: false,
        source: 'synthetic: a plain-text 503 as a proxy in front of the API would send it',
        request: { method: 'POST', path: '/v1beta/models/gemini-2.0-flash:generateContent', body: null },
        response: { status: 503, headers: { 'content-type': 'text/plain' }, text: 'upstream connect error' },
        usage: null,
      });
      await assert.rejects(h.gemini().models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hi' }));
      const [span] = await h.waitForSpans(1);
      assert.equal(span!.status.code, SpanStatusCode.ERROR);
      assert.equal(span!.attributes['error.type'], '503');
    });

    test('a connection failure: an ERROR span naming the error class (v1 wraps it in a plain Error)', async () => {
      h.reset();
      // A loopback port nothing listens on: the fake provider's, after a throwaway server there was closed.
      const { startFakeProvider } = await import('@llmtel/test-utils');
      const gone = await startFakeProvider();
      await gone.close();
      await assert.rejects(
        h
          .gemini({ httpOptions: { baseUrl: gone.url } })
          .models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hi' }),
      );
      const [span] = await h.waitForSpans(1);
      assert.equal(span!.status.code, SpanStatusCode.ERROR);
      assert.equal(span!.attributes['error.type'], major === 1 ? '_OTHER' : 'TypeError');
      assert.equal(span!.attributes['server.port'], gone.port);
    });
  });
}

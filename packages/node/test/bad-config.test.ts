import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOtlpReceiver, type OtlpReceiver } from '@llmtel/test-utils';
import { llmSpans } from './helpers/assertions.ts';
import { CALLS_FIXTURES, fakeOpenAI } from './helpers/fixtures.ts';
import { IMPORT_REGISTER, REQUIRE_REGISTER, runApp } from './helpers/run-app.ts';

describe('invalid configuration from the environment', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  test('bad values warn and fall back; the app runs and is traced', async () => {
    const openai = await fakeOpenAI(CALLS_FIXTURES);
    try {
      const result = await runApp({
        flags: [...IMPORT_REGISTER],
        app: 'app.mjs',
        env: {
          OPENAI_BASE_URL: openai.baseURL,
          OTEL_TRACES_SAMPLER: 'traceidratio',
          OTEL_TRACES_SAMPLER_ARG: 'abc',
          OTEL_METRIC_EXPORT_INTERVAL: '-5',
          OTEL_TRACES_EXPORTER: 'otlp,zipkin',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpEndpoint,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /APP DONE/);
      assert.match(result.stderr, /OTEL_TRACES_SAMPLER_ARG="abc" is not a number between 0 and 1; using 1/);
      assert.match(result.stderr, /OTEL_METRIC_EXPORT_INTERVAL="-5" is not a positive integer; using 60000/);
      assert.match(result.stderr, /OTEL_TRACES_EXPORTER value "zipkin" is not supported/);
      // The ratio fell back to 1, so every call is sampled.
      const received = await receiver.waitFor((r) => llmSpans(r).length >= 3, 10_000);
      assert.equal(llmSpans(received).length, 3);
    } finally {
      await openai.close();
    }
  });

  test('an unreachable collector never breaks the app', async () => {
    const openai = await fakeOpenAI(CALLS_FIXTURES);
    try {
      const result = await runApp({
        flags: [...REQUIRE_REGISTER],
        app: 'app.cjs',
        env: {
          OPENAI_BASE_URL: openai.baseURL,
          // A port nothing listens on (the fake provider's server was closed before the app starts exporting).
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
        },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /APP DONE/);
    } finally {
      await openai.close();
    }
  });
});

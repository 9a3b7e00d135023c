import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOtlpReceiver, type OtlpReceiver } from '@llmtel/test-utils';
import { assertCallsScenario } from './helpers/assertions.ts';
import { CALLS_FIXTURES, fakeOpenAI } from './helpers/fixtures.ts';
import { IMPORT_REGISTER, REQUIRE_REGISTER, runApp } from './helpers/run-app.ts';

// No protocol configured: spans go over OTLP/gRPC and metrics over OTLP/HTTP (protobuf), the defaults.
describe('default protocols: traces over gRPC, metrics over HTTP', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  for (const [label, flags, app] of [
    ['CJS app with --require', REQUIRE_REGISTER, 'app.cjs'],
    ['ESM app with --import', IMPORT_REGISTER, 'app.mjs'],
  ] as const) {
    test(label, async () => {
      receiver.clear();
      const openai = await fakeOpenAI(CALLS_FIXTURES);
      try {
        const result = await runApp({
          flags: [...flags],
          app,
          env: {
            OPENAI_BASE_URL: openai.baseURL,
            OTEL_SERVICE_NAME: 'llmtel-node-test',
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.grpcEndpoint,
            OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.httpEndpoint}/v1/metrics`,
          },
        });
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /APP DONE/);
        assert.equal(result.stderr, '');
        // The app flushed on exit, so everything has arrived; waitFor only bounds a slow receiver.
        const received = await receiver.waitFor((r) => r.spans.length >= 3 && r.metrics.length > 0, 10_000);
        assertCallsScenario(received, { traces: 'grpc', metrics: 'http/protobuf' });
      } finally {
        await openai.close();
      }
    });
  }
});

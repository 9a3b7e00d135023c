import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOtlpReceiver, type OtlpReceiver } from '@llmtel/test-utils';
import { assertCallsScenario } from './helpers/assertions.ts';
import { CALLS_FIXTURES, fakeOpenAI } from './helpers/fixtures.ts';
import { IMPORT_REGISTER, REQUIRE_REGISTER, runApp } from './helpers/run-app.ts';

describe('OTLP over HTTP', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  const cases = [
    ['http/json, CJS app with --require', REQUIRE_REGISTER, 'app.cjs', 'http/json'],
    ['http/json, ESM app with --import', IMPORT_REGISTER, 'app.mjs', 'http/json'],
    ['http/protobuf, ESM app with --import', IMPORT_REGISTER, 'app.mjs', 'http/protobuf'],
  ] as const;
  for (const [label, flags, app, protocol] of cases) {
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
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpEndpoint,
            OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          },
        });
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /APP DONE/);
        const received = await receiver.waitFor((r) => r.spans.length >= 3 && r.metrics.length > 0, 10_000);
        assertCallsScenario(received, { traces: protocol, metrics: protocol });
      } finally {
        await openai.close();
      }
    });
  }
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOtlpReceiver, type OtlpReceiver } from '@llmtel/test-utils';
import { llmSpans } from './helpers/assertions.ts';
import { fakeOpenAI } from './helpers/fixtures.ts';
import { IMPORT_REGISTER, REQUIRE_REGISTER, runApp } from './helpers/run-app.ts';

// The batch processor would wait 10 minutes, so whatever arrives was flushed because of the signal.
const HOLD_BACK = { OTEL_BSP_SCHEDULE_DELAY: '600000', OTEL_METRIC_EXPORT_INTERVAL: '600000' };

describe('signals', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  const cases = [
    [REQUIRE_REGISTER, 'app.cjs', 'SIGTERM'],
    [IMPORT_REGISTER, 'app.mjs', 'SIGTERM'],
    [IMPORT_REGISTER, 'app.mjs', 'SIGINT'],
  ] as const;
  for (const [flags, app, signal] of cases) {
    test(`${app}: ${signal} flushes pending spans, then terminates as Node would`, async () => {
      receiver.clear();
      const openai = await fakeOpenAI(['chat-completions-adds-genai-conventions']);
      try {
        const result = await runApp({
          flags: [...flags],
          app,
          env: {
            ...HOLD_BACK,
            APP_SCENARIO: 'signal',
            OPENAI_BASE_URL: openai.baseURL,
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
            OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
          },
          onLine: { line: 'READY', then: (child) => child.kill(signal) },
        });
        assert.equal(result.signal, signal, `exit code ${result.code}; stderr: ${result.stderr}`);
        assert.doesNotMatch(result.stdout, /APP DONE/);
        const received = await receiver.waitFor((r) => llmSpans(r).length >= 1, 10_000);
        assert.equal(llmSpans(received)[0]?.name, 'chat gpt-4o-mini');
        assert.ok(received.metrics.some((m) => m.name === 'gen_ai.client.operation.duration'));
      } finally {
        await openai.close();
      }
    });
  }

  test("SIGTERM with the app's own handler: flushed, and the app decides how to exit", async () => {
    receiver.clear();
    const openai = await fakeOpenAI(['chat-completions-adds-genai-conventions']);
    try {
      const result = await runApp({
        flags: [...IMPORT_REGISTER],
        app: 'app.mjs',
        env: {
          ...HOLD_BACK,
          APP_SCENARIO: 'signal',
          APP_OWN_SIGTERM: '1',
          OPENAI_BASE_URL: openai.baseURL,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpEndpoint,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        },
        onLine: { line: 'READY', then: (child) => child.kill('SIGTERM') },
      });
      assert.equal(result.signal, null);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /APP GOT SIGTERM/);
      const received = await receiver.waitFor((r) => llmSpans(r).length >= 1, 10_000);
      assert.equal(llmSpans(received).length, 1);
    } finally {
      await openai.close();
    }
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOtlpReceiver, type OtlpReceiver } from '@llmtel/test-utils';
import { llmSpans } from './helpers/assertions.ts';
import { fakeOpenAI } from './helpers/fixtures.ts';
import { IMPORT_REGISTER, REQUIRE_REGISTER, runApp } from './helpers/run-app.ts';

describe('worker threads', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  for (const [flags, app] of [
    [REQUIRE_REGISTER, 'app.cjs'],
    [IMPORT_REGISTER, 'app.mjs'],
  ] as const) {
    test(`${app}: a worker inherits register but starts no second SDK`, async () => {
      receiver.clear();
      const openai = await fakeOpenAI([
        'chat-completions-adds-genai-conventions',
        'chat-completions-adds-genai-conventions-with-system-message',
      ]);
      try {
        const result = await runApp({
          flags: [...flags],
          app,
          env: {
            APP_SCENARIO: 'worker',
            OPENAI_BASE_URL: openai.baseURL,
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpEndpoint,
            OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          },
        });
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /WORKER \{"sdkInWorker":false\}/);
        assert.equal(openai.requests.length, 2, 'the worker made its call');
        const received = await receiver.waitFor((r) => llmSpans(r).length >= 1 && r.metrics.length > 0, 10_000);
        // Only the main thread's call is traced, by the main thread's SDK.
        assert.equal(llmSpans(received).length, 1);
        assert.equal(new Set(received.spans.map((s) => s.resource['process.pid'])).size, 1);
        assert.equal(new Set(receiver.requests.map((r) => r.signal)).size, 2);
      } finally {
        await openai.close();
      }
    });
  }
});

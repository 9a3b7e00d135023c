import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOtlpReceiver, type OtlpReceiver } from '@llmtel/test-utils';
import { llmSpans } from './helpers/assertions.ts';
import { CALLS_FIXTURES, COMPLETION_TEXTS, fakeOpenAI } from './helpers/fixtures.ts';
import { IMPORT_REGISTER, PROMPT, REQUIRE_REGISTER, runApp } from './helpers/run-app.ts';

async function runCalls(receiver: OtlpReceiver, flags: readonly string[], app: string, env: Record<string, string>) {
  receiver.clear();
  const openai = await fakeOpenAI(CALLS_FIXTURES);
  try {
    const result = await runApp({
      flags: [...flags],
      app,
      env: { OPENAI_BASE_URL: openai.baseURL, OTEL_SERVICE_NAME: 'llmtel-node-test', ...env },
    });
    assert.equal(result.code, 0, result.stderr);
    return await receiver.waitFor((r) => llmSpans(r).length === 3 && r.metrics.length > 0, 10_000);
  } finally {
    await openai.close();
  }
}

function bodiesContaining(receiver: OtlpReceiver, text: string): number {
  return receiver.rawBodies.filter((b) => b.includes(text)).length;
}

describe('content capture', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  for (const [transport, env] of [
    ['grpc', { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }],
    ['http/json', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }],
  ] as const) {
    test(`off by default: no prompt or completion text in any ${transport} export`, async (t) => {
      const endpoint = transport === 'grpc' ? receiver.grpcEndpoint : receiver.httpEndpoint;
      for (const [flags, app] of [
        [REQUIRE_REGISTER, 'app.cjs'],
        [IMPORT_REGISTER, 'app.mjs'],
      ] as const) {
        await t.test(app, async () => {
          const received = await runCalls(receiver, flags, app, { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
          assert.ok(receiver.rawBodies.length >= 2);
          assert.equal(bodiesContaining(receiver, PROMPT), 0);
          for (const text of COMPLETION_TEXTS) assert.equal(bodiesContaining(receiver, text), 0, text);
          for (const span of llmSpans(received)) {
            assert.equal(span.attributes['gen_ai.input.messages'], undefined);
            assert.equal(span.attributes['gen_ai.output.messages'], undefined);
          }
        });
      }
    });
  }

  // The control: the same run with capture on does export the texts, so the checks above can fail.
  test('on: prompt and completion texts are exported', async () => {
    await runCalls(receiver, IMPORT_REGISTER, 'app.mjs', {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpEndpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
    });
    assert.ok(bodiesContaining(receiver, PROMPT) > 0);
    for (const text of COMPLETION_TEXTS) assert.ok(bodiesContaining(receiver, text) > 0, text);
  });
});

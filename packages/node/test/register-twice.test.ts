import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOtlpReceiver, type OtlpReceiver } from '@llmtel/test-utils';
import { llmSpans } from './helpers/assertions.ts';
import { CALLS_FIXTURES, fakeOpenAI } from './helpers/fixtures.ts';
import { IMPORT_REGISTER, REQUIRE_REGISTER, runApp } from './helpers/run-app.ts';

describe('loading register twice', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  const cases = [
    ['--require and --import, ESM app', [...REQUIRE_REGISTER, ...IMPORT_REGISTER], 'app.mjs'],
    ['--require and --import, CJS app', [...REQUIRE_REGISTER, ...IMPORT_REGISTER], 'app.cjs'],
    ['--import twice', [...IMPORT_REGISTER, ...IMPORT_REGISTER], 'app.mjs'],
  ] as const;
  for (const [label, flags, app] of cases) {
    test(`${label}: one span per call`, async () => {
      receiver.clear();
      const openai = await fakeOpenAI(CALLS_FIXTURES);
      try {
        const result = await runApp({
          flags: [...flags],
          app,
          env: {
            OPENAI_BASE_URL: openai.baseURL,
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpEndpoint,
            OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          },
        });
        assert.equal(result.code, 0, result.stderr);
        assert.equal(openai.requests.length, 3);
        const received = await receiver.waitFor((r) => llmSpans(r).length >= 3 && r.metrics.length > 0, 10_000);
        const spans = llmSpans(received);
        assert.deepEqual(spans.map((s) => s.name).sort(), [
          'chat gpt-4o-mini',
          'chat gpt-4o-mini',
          'embeddings text-embedding-3-small',
        ]);
        assert.equal(new Set(spans.map((s) => s.resource['service.instance.id'])).size, 1, 'one SDK');
        const durations = received.metrics.filter((m) => m.name === 'gen_ai.client.operation.duration');
        const calls = durations.flatMap((m) => m.dataPoints).reduce((sum, p) => sum + (p.count ?? 0), 0);
        assert.equal(calls, 3, 'each call recorded once in gen_ai.client.operation.duration');
      } finally {
        await openai.close();
      }
    });
  }
});

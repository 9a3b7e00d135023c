import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOtlpReceiver, type OtlpReceiver } from '@llmtel/test-utils';
import { CALLS_FIXTURES, fakeOpenAI } from './helpers/fixtures.ts';
import { IMPORT_REGISTER, REQUIRE_REGISTER, runApp } from './helpers/run-app.ts';

describe('OTEL_SDK_DISABLED=true', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  for (const [flags, app] of [
    [REQUIRE_REGISTER, 'app.cjs'],
    [IMPORT_REGISTER, 'app.mjs'],
  ] as const) {
    test(`${app}: the app works and nothing is exported`, async () => {
      receiver.clear();
      const openai = await fakeOpenAI(CALLS_FIXTURES);
      try {
        const result = await runApp({
          flags: [...flags],
          app,
          env: {
            OPENAI_BASE_URL: openai.baseURL,
            OTEL_SDK_DISABLED: 'true',
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpEndpoint,
            OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          },
        });
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /CHAT Atlantic Ocean\./);
        assert.match(result.stdout, /STREAM South Atlantic Ocean\./);
        assert.match(result.stdout, /APP DONE/);
        assert.equal(openai.requests.length, 3);
        // Exports happen before the exporting process exits, so an exited app that sent nothing never will.
        assert.equal(receiver.requests.length, 0);
      } finally {
        await openai.close();
      }
    });
  }
});

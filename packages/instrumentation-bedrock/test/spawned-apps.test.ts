import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  loadFixture,
  preloadedApps,
  printedPoints,
  printedSpans,
  startFakeProvider,
  tokenTotals,
  type FakeProvider,
} from '@llmtel/test-utils';
import { startH2Bridge, type H2Bridge } from './h2-bridge.ts';

const APPS = preloadedApps(fileURLToPath(new URL('./apps/', import.meta.url)), {
  instrumentations: ['@llmtel/instrumentation-bedrock#BedrockInstrumentation'],
  hook: ['@aws-sdk/client-bedrock-runtime'],
});

describe('apps that load the SDK themselves', () => {
  let fake: FakeProvider;
  let bridge: H2Bridge;
  before(async () => {
    fake = await startFakeProvider();
    bridge = await startH2Bridge(fake.url);
  });
  after(async () => {
    await bridge.close();
    await fake.close();
  });

  for (const app of APPS) {
    it(`${app.kind}: one attributed, priced span per call and one set of token metrics`, async () => {
      fake.enqueue(
        loadFixture('aws.bedrock', 'converse'),
        loadFixture('aws.bedrock', 'converse-stream'),
        loadFixture('aws.bedrock', 'invoke-model-with-response-stream-claude-2'),
      );
      // Configured the way a deployed app is: region, endpoint and credentials from the environment.
      const result = await app.run({
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bridge.url,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(tmpdir(), 'llmtel-bedrock-test-no-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'llmtel-bedrock-test-no-aws-credentials'),
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(fake.pendingCount(), 0);
      assert.match(result.stdout, /^CONVERSE max_tokens$/m);
      assert.match(result.stdout, /^STREAM 1$/m);
      assert.match(result.stdout, /^INVOKE 8$/m);
      assert.match(result.stdout, /^APP DONE$/m);

      const spans = printedSpans(result.stdout);
      assert.deepEqual(
        spans.map((s) => s.name),
        [
          'chat amazon.titan-text-lite-v1',
          'chat amazon.titan-text-lite-v1',
          'chat anthropic.claude-3-5-sonnet-20240620-v1:0',
        ],
      );
      for (const span of spans) {
        assert.equal(span.scope, '@llmtel/instrumentation-bedrock');
        assert.equal(span.attributes['gen_ai.provider.name'], 'aws.bedrock');
        assert.equal(span.attributes['user.id'], 'user-123');
        assert.equal(span.attributes['gen_ai.conversation.id'], 'session-9');
        assert.equal(span.attributes['llmtel.usage.billable'], true);
        assert.equal(typeof span.attributes['llmtel.usage.cost_usd'], 'number');
        assert.equal(span.attributes['server.address'], '127.0.0.1');
      }
      assert.deepEqual(
        spans.map((s) => [s.attributes['gen_ai.usage.input_tokens'], s.attributes['gen_ai.usage.output_tokens']]),
        [
          [8, 10],
          [8, 10],
          [22, 12],
        ],
      );

      const points = printedPoints(result.stdout);
      assert.deepEqual(tokenTotals(points, 'input'), { count: 3, sum: 8 + 8 + 22 });
      assert.deepEqual(tokenTotals(points, 'output'), { count: 3, sum: 10 + 10 + 12 });
    });
  }
});

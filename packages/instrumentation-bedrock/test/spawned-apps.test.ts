import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadFixture, startFakeProvider, type FakeProvider } from '@llmtel/test-utils';
import { startH2Bridge, type H2Bridge } from './h2-bridge.ts';

const APPS = join(dirname(fileURLToPath(import.meta.url)), 'apps');

interface AppResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a test app in a child process; kills it and rejects after 30 s. */
function runApp(flags: string[], app: string, env: Record<string, string>): Promise<AppResult> {
  const child = spawn(process.execPath, [...flags, join(APPS, app)], {
    cwd: APPS,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`app did not exit within 30 s\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface PrintedSpan {
  name: string;
  scope: string;
  attributes: Record<string, unknown>;
}

interface PrintedPoint {
  attributes: Record<string, unknown>;
  count: number;
  sum: number;
}

function lines<T>(stdout: string, prefix: string): T[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(`${prefix} `))
    .map((line) => JSON.parse(line.slice(prefix.length + 1)) as T);
}

const APPS_UNDER_TEST = [
  { kind: 'ES module', flags: ['--import', join(APPS, 'otel-setup.mjs')], app: 'app.mjs' },
  { kind: 'CommonJS', flags: ['--require', join(APPS, 'otel-setup.cjs')], app: 'app.cjs' },
];

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

  for (const { kind, flags, app } of APPS_UNDER_TEST) {
    it(`${kind}: one attributed, priced span per call and one set of token metrics`, async () => {
      fake.enqueue(
        loadFixture('aws.bedrock', 'converse'),
        loadFixture('aws.bedrock', 'converse-stream'),
        loadFixture('aws.bedrock', 'invoke-model-with-response-stream-claude-2'),
      );
      // Configured the way a deployed app is: region, endpoint and credentials from the environment.
      const result = await runApp(flags, app, {
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

      const spans = lines<PrintedSpan>(result.stdout, 'SPAN');
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

      const points = lines<PrintedPoint>(result.stdout, 'METRIC');
      const byType = (type: string) => points.filter((p) => p.attributes['gen_ai.token.type'] === type);
      const total = (type: string) => byType(type).reduce((n, p) => n + p.sum, 0);
      const count = (type: string) => byType(type).reduce((n, p) => n + p.count, 0);
      assert.equal(count('input'), 3);
      assert.equal(count('output'), 3);
      assert.equal(total('input'), 8 + 8 + 22);
      assert.equal(total('output'), 10 + 10 + 12);
    });
  }
});

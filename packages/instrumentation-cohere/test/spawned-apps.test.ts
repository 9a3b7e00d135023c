import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startFakeProvider, type FakeProvider } from '@llmtel/test-utils';
import { cohereFixture, LLMTEL_SCOPE } from './helpers.ts';

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
  before(async () => {
    fake = await startFakeProvider();
  });
  after(() => fake.close());

  for (const { kind, flags, app } of APPS_UNDER_TEST) {
    it(`${kind}: one attributed span per request and one set of token metrics`, async () => {
      fake.enqueue(cohereFixture('chat'), cohereFixture('chat-stream'), cohereFixture('embed'));
      const result = await runApp(flags, app, { CO_API_KEY: 'test-key', COHERE_SERVER_URL: fake.url });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^CHAT COMPLETE$/m);
      assert.match(result.stdout, /^STREAM Bonjour le monde !$/m);
      assert.match(result.stdout, /^EMBED 2$/m);
      assert.match(result.stdout, /^APP DONE$/m);

      const spans = lines<PrintedSpan>(result.stdout, 'SPAN');
      assert.deepEqual(
        spans.map((s) => s.name),
        ['chat command-a-03-2025', 'chat command-a-03-2025', 'embeddings embed-v4.0'],
      );
      for (const span of spans) {
        assert.equal(span.scope, LLMTEL_SCOPE);
        assert.equal(span.attributes['gen_ai.provider.name'], 'cohere');
        assert.equal(span.attributes['user.id'], 'user-123');
        assert.equal(span.attributes['gen_ai.conversation.id'], 'session-9');
        assert.equal(span.attributes['llmtel.usage.billable'], true);
      }
      assert.deepEqual(
        spans.map((s) => [s.attributes['gen_ai.usage.input_tokens'], s.attributes['gen_ai.usage.output_tokens']]),
        [
          [17, 44],
          [9, 7],
          [9, undefined],
        ],
      );

      const points = lines<PrintedPoint>(result.stdout, 'METRIC');
      const byType = (type: string) => points.filter((p) => p.attributes['gen_ai.token.type'] === type);
      const total = (type: string) => byType(type).reduce((n, p) => n + p.sum, 0);
      const count = (type: string) => byType(type).reduce((n, p) => n + p.count, 0);
      assert.equal(count('input'), 3);
      assert.equal(count('output'), 2);
      assert.equal(total('input'), 17 + 9 + 9);
      assert.equal(total('output'), 44 + 7);
    });
  }
});

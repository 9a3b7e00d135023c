import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startFakeProvider, syntheticChatCompletion, syntheticChatCompletionStream } from '@llmtel/test-utils';
import type { FakeProvider } from '@llmtel/test-utils';

const APPS = join(dirname(fileURLToPath(import.meta.url)), 'apps');

interface AppResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a test app in a child process; kills it and rejects after 60 s. */
function runApp(flags: string[], app: string, env: Record<string, string>): Promise<AppResult> {
  // NODE_OPTIONS passes through, so that flags the test run itself was started with reach the apps too.
  const inherited = process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {};
  const child = spawn(process.execPath, [...flags, join(APPS, app)], {
    cwd: APPS,
    env: { PATH: process.env.PATH ?? '', ...inherited, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`app did not exit within 60 s\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, 60_000);
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
  spanId: string;
  parentSpanId?: string;
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

const SETUP = join(APPS, 'otel-setup.cjs');
const APPS_UNDER_TEST = [
  { kind: 'ES module', flags: ['--import', SETUP], app: 'app.mjs' },
  { kind: 'CommonJS', flags: ['--require', SETUP], app: 'app.cjs' },
];

describe('apps that use the AI SDK and its OpenTelemetry integration', () => {
  let fake: FakeProvider;
  before(async () => {
    fake = await startFakeProvider();
  });
  after(() => fake.close());

  for (const { kind, flags, app } of APPS_UNDER_TEST) {
    it(`${kind}: each chat span is billable, priced and attributed; the call spans are not billable`, async () => {
      fake.enqueue(
        syntheticChatCompletion({
          model: 'gpt-4o-mini',
          content: 'Hi!',
          usage: { input_tokens: 21, output_tokens: 3 },
        }),
        syntheticChatCompletionStream({
          model: 'gpt-4o-mini',
          chunks: ['Hi ', 'again!'],
          includeUsage: true,
          usage: { input_tokens: 23, output_tokens: 2 },
        }),
      );
      const result = await runApp(flags, app, { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: `${fake.url}/v1` });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^GENERATE Hi!$/m);
      assert.match(result.stdout, /^STREAM Hi again!$/m);
      assert.match(result.stdout, /^APP DONE$/m);

      const spans = lines<PrintedSpan>(result.stdout, 'SPAN');
      const chats = spans.filter((s) => s.name === 'chat gpt-4o-mini');
      assert.equal(chats.length, 2);
      for (const chat of chats) {
        assert.equal(chat.attributes['llmtel.usage.billable'], true);
        assert.equal(typeof chat.attributes['llmtel.usage.cost_usd'], 'number');
        assert.equal(chat.attributes['user.id'], 'user-123');
      }
      const roots = spans.filter((s) => s.name === 'invoke_agent gpt-4o-mini');
      assert.equal(roots.length, 2);
      for (const root of roots) assert.equal(root.attributes['llmtel.usage.billable'], false);
      assert.equal(spans.filter((s) => s.attributes['llmtel.usage.billable'] === true).length, 2);

      const input = lines<PrintedPoint>(result.stdout, 'METRIC').filter(
        (p) => p.attributes['gen_ai.token.type'] === 'input',
      );
      assert.equal(
        input.reduce((n, p) => n + p.count, 0),
        2,
      );
      assert.equal(
        input.reduce((n, p) => n + p.sum, 0),
        21 + 23,
      );
    });
  }
});

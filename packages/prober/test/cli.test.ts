import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  startFakeProvider,
  startOtlpReceiver,
  syntheticChatCompletion,
  type FakeProvider,
  type OtlpReceiver,
} from '@llmtel/test-utils';
import { type StatusResponse } from '@llmtel/prober';
import { makeConfigDir } from './helpers/files.ts';
import { freePort, startRedis, type TestRedis } from './helpers/redis.ts';
import { waitFor } from './helpers/wait.ts';

const pkgDir = dirname(createRequire(import.meta.url).resolve('@llmtel/prober/package.json'));
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { bin: Record<string, string> };
const CLI = resolve(pkgDir, pkg.bin['llmtel-prober']!);
const EXAMPLE = join(pkgDir, 'examples', 'prober.yaml');
const KEY = 'sk-cli-test-Yt5pQ2wR8';

/** The parent's environment without any OTEL_*, LLMTEL_* or MONITOR_* setting, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(OTEL_|LLMTEL_|MONITOR_|OPENAI_)/.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function run(args: string[], env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exit };
}

describe('llmtel-prober binary', () => {
  let redisServer: TestRedis;
  let fake: FakeProvider;
  let otlp: OtlpReceiver;
  before(async () => {
    redisServer = await startRedis();
    fake = await startFakeProvider({
      fixtures: Array.from({ length: 5 }, () => syntheticChatCompletion({ model: 'gpt-4o-mini', content: 'pong' })),
    });
    otlp = await startOtlpReceiver();
  });
  after(async () => {
    await fake.close();
    await otlp.close();
    await redisServer.stop();
  });

  it('starts with a shebang', () => {
    assert.ok(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n'));
  });

  it('runs examples/prober.yaml against a fake OpenAI server, exports OTLP, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const proc = run(
      ['--config', EXAMPLE],
      childEnv({
        OPENAI_BASE_URL: `${fake.url}/v1`,
        MONITOR_OPENAI_CHAT_API_KEY: KEY,
        LLMTEL_REDIS_URL: redisServer.url,
        LLMTEL_PROBER_HOST: '127.0.0.1',
        LLMTEL_PROBER_PORT: String(port),
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.httpEndpoint,
        OTEL_METRIC_EXPORT_INTERVAL: '200',
        OTEL_BSP_SCHEDULE_DELAY: '50',
      }),
    );
    const base = `http://127.0.0.1:${port}`;
    try {
      const status = await waitFor(
        async () => {
          try {
            const body = (await (await fetch(`${base}/api/status`)).json()) as StatusResponse;
            return body.data[0]?.current_status ? body : undefined;
          } catch {
            return undefined;
          }
        },
        `a probe result from the binary (output so far:\n${proc.output()})`,
        20_000,
      );
      assert.equal(status.data.length, 1);
      assert.equal(status.data[0]!.provider, 'openai');
      assert.equal(status.data[0]!.service, 'chat');
      assert.equal(status.data[0]!.current_status!.status, 1, proc.output());
      assert.deepEqual(await (await fetch(`${base}/health`)).json(), { status: 'ok', redis: 'ok', monitors: 1 });
      assert.match(await (await fetch(`${base}/`)).text(), /<title>LLM endpoint status<\/title>/);

      const seen = fake.requests[0]!;
      assert.equal(seen.path, '/v1/chat/completions');
      assert.equal(seen.headers.authorization, `Bearer ${KEY}`);
      assert.deepEqual((seen.body as { max_tokens: number }).max_tokens, 1, 'the body came from data/openai-chat.json');

      const received = await otlp.waitFor(
        (r) =>
          r.spans.some((s) => s.name === 'probe openai chat') &&
          r.metrics.some((m) => m.name === 'llmtel.probe.status' && m.dataPoints.some((p) => p.value === 1)),
        15_000,
      );
      const span = received.spans.find((s) => s.name === 'probe openai chat')!;
      assert.equal(span.kind, 'CLIENT');
      assert.equal(span.resource['service.name'], 'llmtel-prober');
      assert.ok(received.metrics.some((m) => m.name === 'llmtel.probe.duration' && m.unit === 's'));
      assert.ok(received.metrics.some((m) => m.name === 'llmtel.probe.up'));
      assert.ok(!otlp.rawBodies.some((b) => b.includes(KEY)), 'the key is not in any export');
    } finally {
      proc.child.kill('SIGTERM');
    }
    assert.equal(await proc.exit, 0, proc.output());
    assert.match(proc.output(), /SIGTERM: stopping/);
    assert.match(proc.output(), /stopped/);
    assert.ok(!proc.output().includes(KEY), 'the key is not in the output');
  });

  it('exits 1 naming the monitor and field when the config is invalid, 2 without a config', async () => {
    const dir = makeConfigDir();
    try {
      dir.writeConfig(
        'monitors:\n  - { provider: openai, service: chat, url: "http://127.0.0.1:9/", method: FETCH }\n',
      );
      const bad = run(['--config', dir.configPath], childEnv({}));
      assert.equal(await bad.exit, 1);
      assert.match(bad.output(), /monitor openai\/chat \(monitors\[0\]\): method: "FETCH" is not one of/);

      const viaEnv = run([], childEnv({ LLMTEL_PROBER_CONFIG: dir.configPath }));
      assert.equal(await viaEnv.exit, 1, 'LLMTEL_PROBER_CONFIG is read when --config is absent');
      assert.match(viaEnv.output(), /method: "FETCH"/);

      const none = run([], childEnv({}));
      assert.equal(await none.exit, 2);
      assert.match(none.output(), /pass --config or set LLMTEL_PROBER_CONFIG/);
    } finally {
      dir.cleanup();
    }
  });
});

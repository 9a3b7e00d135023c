#!/usr/bin/env node
// `llmtel-demo` / `npm run demo`: runs the example app (app.js) through `node --import @llmtel/node/register` and
// shows what llmtel captured. Without OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY the app talks to built-in
// loopback fakes of the OpenAI, Anthropic and Gemini APIs instead of the real ones;
// without an OTLP endpoint the app exports OTLP/HTTP JSON to a loopback receiver here, which prints a trace tree and
// a usage summary. With OTEL_EXPORTER_OTLP_ENDPOINT set, the app exports there instead.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { startFakeAnthropicGeminiServer, type FakeAnthropicGeminiServer } from './fake-anthropic-gemini-server.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from './fake-openai-server.js';
import {
  decodeHistograms,
  decodeTraces,
  metricNames,
  renderTimeToFirstChunk,
  renderProviderSummary,
  renderTraceTree,
  renderUsageSummary,
  type DemoHistogramPoint,
  type DemoSpan,
} from './printer.js';

const APP_TIMEOUT_MS = 60_000;

interface Receiver {
  endpoint: string;
  spans: DemoSpan[];
  histograms: DemoHistogramPoint[];
  metricNames: Set<string>;
  close(): Promise<void>;
}

/** A loopback OTLP/HTTP JSON receiver: just enough of the protocol for the demo's exports. */
async function startReceiver(): Promise<Receiver> {
  const received: Omit<Receiver, 'endpoint' | 'close'> = { spans: [], histograms: [], metricNames: new Set() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const json: unknown = JSON.parse(body.toString('utf8'));
        if (req.url === '/v1/traces') received.spans.push(...decodeTraces(json));
        else if (req.url === '/v1/metrics') {
          received.histograms.push(...decodeHistograms(json));
          for (const name of metricNames(json)) received.metricNames.add(name);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    ...received,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function runApp(env: NodeJS.ProcessEnv): Promise<number> {
  const register = import.meta.resolve('@llmtel/node/register');
  const app = fileURLToPath(new URL('./app.js', import.meta.url));
  const child = spawn(process.execPath, ['--import', register, app], { env, stdio: 'inherit' });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      process.stderr.write(`llmtel-demo: the example app did not finish within ${APP_TIMEOUT_MS / 1000} s\n`);
      child.kill('SIGTERM');
    }, APP_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

function hasOpenAiSdk(): boolean {
  try {
    createRequire(import.meta.url).resolve('openai');
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  if (!hasOpenAiSdk()) {
    process.stderr.write('llmtel-demo: the example app uses the openai SDK; install it first: npm install openai\n');
    return 1;
  }
  const env: NodeJS.ProcessEnv = { ...process.env, OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? 'llmtel-demo' };
  const exportsElsewhere = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);

  let fake: FakeOpenAIServer | undefined;
  if (env.OPENAI_API_KEY) {
    process.stdout.write('llmtel-demo: OPENAI_API_KEY is set, calling the real OpenAI API\n');
  } else {
    fake = await startFakeOpenAIServer();
    env.OPENAI_API_KEY = 'sk-llmtel-demo-not-a-real-key';
    env.OPENAI_BASE_URL = fake.baseUrl;
    process.stdout.write(`llmtel-demo: no OPENAI_API_KEY, using the built-in fake OpenAI API at ${fake.baseUrl}\n`);
  }
  let fakeOthers: FakeAnthropicGeminiServer | undefined;
  if (env.ANTHROPIC_API_KEY) {
    process.stdout.write('llmtel-demo: ANTHROPIC_API_KEY is set, calling the real Anthropic API\n');
  } else {
    fakeOthers = await startFakeAnthropicGeminiServer();
    env.ANTHROPIC_API_KEY = 'sk-ant-llmtel-demo-not-a-real-key';
    env.ANTHROPIC_BASE_URL = fakeOthers.baseUrl;
    process.stdout.write(
      `llmtel-demo: no ANTHROPIC_API_KEY, using the built-in fake Anthropic API at ${fakeOthers.baseUrl}\n`,
    );
  }
  if (env.GEMINI_API_KEY || env.GOOGLE_API_KEY) {
    process.stdout.write('llmtel-demo: GEMINI_API_KEY is set, calling the real Gemini API\n');
  } else {
    fakeOthers ??= await startFakeAnthropicGeminiServer();
    env.GEMINI_API_KEY = 'llmtel-demo-not-a-real-key';
    env.GOOGLE_GEMINI_BASE_URL = fakeOthers.baseUrl;
    process.stdout.write(
      `llmtel-demo: no GEMINI_API_KEY, using the built-in fake Gemini API at ${fakeOthers.baseUrl}\n`,
    );
  }

  let receiver: Receiver | undefined;
  if (exportsElsewhere) {
    process.stdout.write(
      `llmtel-demo: exporting to ${env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT}\n`,
    );
  } else {
    receiver = await startReceiver();
    for (const name of Object.keys(env)) if (/^OTEL_EXPORTER_OTLP_.*(PROTOCOL|ENDPOINT)$/.test(name)) delete env[name];
    Object.assign(env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
    });
  }

  process.stdout.write('\n');
  let code: number;
  try {
    code = await runApp(env);
  } finally {
    await fake?.close();
    await fakeOthers?.close();
    await receiver?.close();
  }

  if (receiver) {
    const out: string[] = ['', 'What llmtel captured', '', renderTraceTree(receiver.spans), ''];
    out.push('Usage by provider', renderProviderSummary(receiver.spans), '');
    out.push('Usage by user and model', renderUsageSummary(receiver.spans), '');
    const ttfc = renderTimeToFirstChunk(receiver.histograms);
    if (ttfc) out.push('Time to first chunk (streamed calls)', ttfc, '');
    out.push(`Metrics exported: ${[...receiver.metricNames].sort().join(', ') || '(none)'}`, '');
    if (receiver.spans.length === 0) {
      out.push('No spans arrived: is OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none set?', '');
    }
    process.stdout.write(out.join('\n'));
  } else {
    process.stdout.write('\nllmtel-demo: done; look for service "llmtel-demo" in your tracing backend\n');
  }
  return code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`llmtel-demo: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);

// Demo traffic generator (the `demo` target of deploy/docker/Dockerfile, service `demo` in docker-compose.yml):
// runs the demo app (packages/node/dist/esm/demo/app.js) under `node --import @llmtel/node/register` again and
// again, rotating chat models, so the stack always has fresh traces, metrics and usage to show.
// Without OPENAI_API_KEY it serves the demo's fake OpenAI API on 127.0.0.1:$LLMTEL_DEMO_FAKE_PORT (8787) for the
// app and for the prober (which shares this container's network in compose); with a key it calls the real API.
//
// Env: LLMTEL_DEMO_INTERVAL_SECONDS (pause between runs, default 20), LLMTEL_DEMO_MODELS (comma-separated chat
// models, default gpt-4o-mini,gpt-4.1-nano,gpt-5-mini), LLMTEL_DEMO_ROUNDS (stop after N runs; default 0 = until
// stopped), plus the standard OTEL_* variables for the export.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
const app = fileURLToPath(new URL('packages/node/dist/esm/demo/app.js', root));
const register = import.meta.resolve('@llmtel/node/register');

const intervalMs = 1000 * positive(process.env.LLMTEL_DEMO_INTERVAL_SECONDS, 20);
const rounds = positive(process.env.LLMTEL_DEMO_ROUNDS, 0);
const models = (process.env.LLMTEL_DEMO_MODELS ?? 'gpt-4o-mini,gpt-4.1-nano,gpt-5-mini')
  .split(',')
  .map((m) => m.trim())
  .filter(Boolean);

function positive(value, fallback) {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n >= 0 ? n : fallback;
}

const env = { ...process.env };
env.OTEL_SERVICE_NAME ??= 'llmtel-demo';
let fake;
if (!env.OPENAI_API_KEY) {
  const { startFakeOpenAIServer } = await import(new URL('packages/node/dist/esm/demo/fake-openai-server.js', root));
  fake = await startFakeOpenAIServer({ port: positive(env.LLMTEL_DEMO_FAKE_PORT, 8787) });
  env.OPENAI_BASE_URL = fake.baseUrl;
  env.OPENAI_API_KEY = 'sk-llmtel-demo-not-a-real-key';
  console.log(`demo-traffic: no OPENAI_API_KEY, serving the fake OpenAI API at ${fake.baseUrl}`);
} else {
  console.log('demo-traffic: OPENAI_API_KEY is set, calling the real OpenAI API');
}

let stopping = false;
let child;
let wake = () => {};
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    stopping = true;
    wake();
    child?.kill(signal);
  });
}

/** Waits `ms`, or less when a stop signal arrives. */
function pause(ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

function runOnce(model) {
  return new Promise((resolve) => {
    child = spawn(process.execPath, ['--import', register, app], {
      env: { ...env, LLMTEL_DEMO_CHAT_MODEL: model },
      stdio: 'inherit',
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

for (let round = 0; !stopping && (rounds === 0 || round < rounds); round++) {
  const model = models[round % models.length];
  const code = await runOnce(model);
  console.log(`demo-traffic: run ${round + 1} with ${model} exited with ${code}`);
  if (!stopping && (rounds === 0 || round + 1 < rounds)) {
    await pause(intervalMs);
  }
}
await fake?.close();

// One measurement in a fresh process: sets up the same OTel SDK for every configuration, enables exactly one
// instrumentation of the scenario's SDK (or none), loads that SDK (openai 6 or @anthropic-ai/sdk 0.133) from
// bench/node_modules AFTER enabling it, warms up, then measures the process CPU (user + system, all threads) of a fixed
// number of calls against the fake server. Prints one JSON line.
//
//   node bench/worker.mjs --config llmtel --scenario plain --port 12345 --calls 2000 --warmup 300
//   node bench/worker.mjs --config arize --scenario anthropic-stream --port 12345 --calls 500 --warmup 60
//   node --expose-gc bench/worker.mjs --config llmtel --scenario heap --port 12345 --calls 100000 --sample-every 10000
//   node bench/worker.mjs --config otel --scenario stream --transport inproc --calls 500 --warmup 60
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { installFloor } from './floor.mjs';
import {
  ANTHROPIC_MODEL,
  ANTHROPIC_STREAM_EVENTS,
  BENCH_MODEL,
  CONCURRENCY,
  CONFIG_PACKAGES,
  SCENARIOS,
  STREAM_EVENTS,
  median,
  parseArgs,
  providerOf,
  slope,
} from './common.mjs';

const require = createRequire(import.meta.url);
const args = parseArgs(process.argv.slice(2));
const config = String(args.config ?? 'none');
const scenario = String(args.scenario ?? 'plain');
const provider = providerOf(scenario);
const transport = String(args.transport ?? 'http');
// inproc: no server; the SDK's `fetch` answers from the same pre-rendered bodies, so only the client's CPU is left
const port = transport === 'inproc' ? 443 : Number(args.port);
const calls = Number(args.calls ?? 2000);
const warmup = Number(args.warmup ?? 300);
const sampleEvery = Number(args['sample-every'] ?? 10_000);
const DRAIN_EVERY = 256;
const BLOCKS = 10;

function fail(message, extra = {}) {
  process.stdout.write(JSON.stringify({ config, scenario, error: message, ...extra }) + '\n');
  process.exit(2);
}

if (!['http', 'inproc'].includes(transport)) fail(`unknown transport ${transport}`);
if (!(port > 0)) fail('--port is required');
if (![...SCENARIOS, 'heap'].includes(scenario)) fail(`unknown scenario ${scenario}`);
if (!['none', 'floor', ...Object.keys(CONFIG_PACKAGES[provider])].includes(config)) {
  fail(`config ${config} has no ${provider} instrumentation`);
}

// ---- the same OTel SDK in every configuration ------------------------------------------------------------------
const api = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { TracerProvider, BatchSpanProcessor, InMemorySpanExporter } = require('@opentelemetry/sdk-trace');
const {
  MeterProvider,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
  AggregationTemporality,
} = require('@opentelemetry/sdk-metrics');

api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const spanExporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: spanExporter })] });
api.trace.setGlobalTracerProvider(tracerProvider);
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
// Collection would only add noise inside the timed loop; it runs once at the end (forceFlush) to check the output.
const metricReader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
const meterProvider = new MeterProvider({ readers: [metricReader] });
api.metrics.setGlobalMeterProvider(meterProvider);

let spanCount = 0;
let sampleSpan;
function drainSpans() {
  const spans = spanExporter.getFinishedSpans();
  if (spans.length === 0) return;
  sampleSpan ??= spans[0];
  spanCount += spans.length;
  spanExporter.reset();
}

// ---- exactly one instrumentation ---------------------------------------------------------------------------------
let instrumentationVersion;
let callbackEvents = 0;
function enableInstrumentation() {
  if (config === 'none' || config === 'floor') return;
  const pkg = CONFIG_PACKAGES[provider][config];
  instrumentationVersion = packageVersion(pkg);
  const mod = require(pkg);
  // every package names its class after the SDK it patches
  const Instrumentation = provider === 'anthropic' ? mod.AnthropicInstrumentation : mod.OpenAIInstrumentation;
  let instrumentation;
  if (config === 'llmtel') {
    // "with cost and callbacks on": default pricing, plus one registered handler that listens to every event.
    const core = require('@llmtel/core');
    core.registerLlmCallbackHandler({
      name: 'bench-noop',
      onLlmStart: () => void callbackEvents++,
      onLlmEnd: () => void callbackEvents++,
      onLlmError: () => void callbackEvents++,
    });
    instrumentation = new Instrumentation();
  } else if (config === 'arize') {
    instrumentation = new Instrumentation({});
  } else {
    // otel: captureMessageContent default (false); traceloop: defaults (traceContent true, enrichTokens false).
    instrumentation = new Instrumentation();
  }
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.enable();
  return instrumentation;
}

function packageVersion(name) {
  let dir = dirname(require.resolve(name));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name === name) return pkg.version;
    } catch {
      // not this folder
    }
    dir = dirname(dir);
  }
  return undefined;
}

try {
  enableInstrumentation();
} catch (err) {
  fail(`enabling ${config} failed: ${err?.stack ?? err}`);
}

// The SDK from bench/node_modules, loaded after the instrumentation hooked require: openai 6.x (the peers support
// openai < 7), or @anthropic-ai/sdk 0.133, the last release before the SDK traces itself (0.134 starts its own
// `anthropic.messages.create` span whenever a global tracer provider exists, which would bill every configuration
// but `none` and llmtel, which claims that span, for a second tracer).
const sdkName = provider === 'anthropic' ? '@anthropic-ai/sdk' : 'openai';
const sdkVersion = packageVersion(sdkName);
const openaiVersion = provider === 'openai' ? sdkVersion : undefined;
const transportOptions = transport === 'inproc' ? { fetch: await inprocFetch() } : {};
const client = provider === 'anthropic' ? anthropicClient() : openaiClient();
if (config === 'floor') {
  const sdk = require(sdkName);
  const Client = sdk.default ?? sdk.OpenAI ?? sdk.Anthropic;
  const proto = provider === 'anthropic' ? Client.Messages.prototype : Client.Chat.Completions.prototype;
  installFloor(proto, {
    provider,
    tracer: tracerProvider.getTracer('llmtel-bench-floor'),
    meter: meterProvider.getMeter('llmtel-bench-floor'),
    serverAddress: '127.0.0.1',
    serverPort: port,
  });
}
const messages = [{ role: 'user', content: 'Say hello.' }];

/** A `fetch` that answers every request at once from bodies.mjs, as the HTTP server would. */
async function inprocFetch() {
  const { answerFor } = await import('./bodies.mjs');
  return async (url, init = {}) => {
    const answer = answerFor(init.method ?? 'GET', new URL(url).pathname, String(init.body ?? ''));
    return new Response(answer.buf, { status: answer.status, headers: answer.headers });
  };
}

function openaiClient() {
  const openaiModule = require('openai');
  const OpenAI = openaiModule.OpenAI ?? openaiModule.default ?? openaiModule;
  return new OpenAI({
    apiKey: 'sk-bench',
    baseURL: `http://127.0.0.1:${port}/v1`,
    maxRetries: 0,
    timeout: 30_000,
    ...transportOptions,
  });
}

function anthropicClient() {
  const anthropicModule = require('@anthropic-ai/sdk');
  const Anthropic = anthropicModule.Anthropic ?? anthropicModule.default ?? anthropicModule;
  return new Anthropic({
    apiKey: 'sk-ant-bench',
    baseURL: `http://127.0.0.1:${port}`,
    maxRetries: 0,
    timeout: 30_000,
    ...transportOptions,
  });
}

async function anthropicPlainCall() {
  const res = await client.messages.create({ model: ANTHROPIC_MODEL, max_tokens: 256, messages });
  if (res.content.length !== 1) throw new Error('unexpected message');
}

async function anthropicStreamCall() {
  const stream = await client.messages.create({ model: ANTHROPIC_MODEL, max_tokens: 256, messages, stream: true });
  let events = 0;
  for await (const _event of stream) events++;
  if (events !== ANTHROPIC_STREAM_EVENTS) {
    throw new Error(`stream had ${events} events, expected ${ANTHROPIC_STREAM_EVENTS}`);
  }
}

async function plainCall() {
  const res = await client.chat.completions.create({ model: BENCH_MODEL, messages });
  if (res.choices.length !== 1) throw new Error('unexpected completion');
}

async function streamCall() {
  const stream = await client.chat.completions.create({
    model: BENCH_MODEL,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  let events = 0;
  for await (const _chunk of stream) events++;
  if (events !== STREAM_EVENTS) throw new Error(`stream had ${events} events, expected ${STREAM_EVENTS}`);
}

async function concurrentBatch() {
  const batch = [];
  for (let i = 0; i < CONCURRENCY; i++) batch.push(plainCall());
  await Promise.all(batch);
}

const UNITS = {
  plain: plainCall,
  heap: plainCall,
  stream: streamCall,
  concurrent: concurrentBatch,
  'anthropic-plain': anthropicPlainCall,
  'anthropic-stream': anthropicStreamCall,
};

/** Runs `n` units of the scenario; returns the number of LLM calls made. */
async function run(n) {
  const unit = UNITS[scenario];
  const perUnit = scenario === 'concurrent' ? CONCURRENCY : 1;
  const drainEvery = Math.max(1, Math.floor(DRAIN_EVERY / perUnit));
  for (let i = 1; i <= n; i++) {
    await unit();
    if (i % drainEvery === 0) {
      drainSpans();
      // In-process answers settle as microtasks only: let timers (the batch span processor's export) and
      // immediates (llmtel's callback dispatch) run, as the socket I/O of a real request would.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return n * perUnit;
}

async function settle() {
  await tracerProvider.forceFlush();
  drainSpans();
}

function metricSummary() {
  const names = new Set();
  let points = 0;
  for (const rm of metricExporter.getMetrics()) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        names.add(m.descriptor.name);
        points += m.dataPoints.length;
      }
    }
  }
  return { names: [...names].sort(), points };
}

async function measure() {
  const units = scenario === 'concurrent' ? Math.max(1, Math.round(calls / CONCURRENCY)) : calls;
  const warmupUnits = scenario === 'concurrent' ? Math.max(1, Math.round(warmup / CONCURRENCY)) : warmup;
  const warmCalls = await run(warmupUnits);
  await settle();
  if (config !== 'none' && spanCount === 0) {
    fail(`${config} produced no spans for ${sdkName} ${sdkVersion}: it did not patch this version`, { sdkVersion });
  }
  // "with cost and callbacks on" must really be on, or the comparison flatters llmtel.
  if (config === 'llmtel') {
    if (typeof sampleSpan?.attributes['llmtel.usage.cost_usd'] !== 'number') fail('llmtel spans carry no cost');
    if (callbackEvents === 0) fail('the llmtel callback handler saw no events');
  }
  const spansAtStart = spanCount;

  // The timed loop runs in BLOCKS parts so that a burst of load from elsewhere on the machine shows up as one bad
  // block (the block median is reported next to the whole-loop figure, which stays the primary one).
  const blockCpu = [];
  let timedCalls = 0;
  const ru0 = process.resourceUsage();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let b = 0; b < BLOCKS; b++) {
    const blockUnits = Math.floor(units / BLOCKS) + (b < units % BLOCKS ? 1 : 0);
    const c0 = process.cpuUsage();
    const n = await run(blockUnits);
    const c = process.cpuUsage(c0);
    timedCalls += n;
    if (n > 0) blockCpu.push((c.user + c.system) / n);
  }
  const wallUs = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  const ru = process.resourceUsage();

  await settle();
  await metricReader.forceFlush();
  // callbacks are dispatched on a later macrotask; give them one turn before counting
  await new Promise((resolve) => setTimeout(resolve, 10));
  return {
    config,
    scenario,
    calls: timedCalls,
    warmupCalls: warmCalls,
    cpuUsPerCall: (cpu.user + cpu.system) / timedCalls,
    cpuUsPerCallBlockMedian: median(blockCpu),
    userUsPerCall: cpu.user / timedCalls,
    systemUsPerCall: cpu.system / timedCalls,
    wallUsPerCall: wallUs / timedCalls,
    // how often the machine took the CPU away from this process: a high figure marks a disturbed run
    involuntaryContextSwitchesPerCall: (ru.involuntaryContextSwitches - ru0.involuntaryContextSwitches) / timedCalls,
    spansPerCall: (spanCount - spansAtStart) / timedCalls,
    metrics: metricSummary(),
    callbackEvents: config === 'llmtel' ? callbackEvents : undefined,
    sampleSpan: sampleSpan && { name: sampleSpan.name, attributes: Object.keys(sampleSpan.attributes).sort() },
    openaiVersion,
    sdk: sdkName,
    sdkVersion,
    instrumentationVersion,
    transport,
    node: process.version,
  };
}

async function heap() {
  if (typeof globalThis.gc !== 'function') fail('heap scenario needs --expose-gc');
  const gcTwice = () => {
    globalThis.gc();
    globalThis.gc();
  };
  await run(warmup);
  await settle();
  gcTwice();
  const samples = [{ calls: 0, heapUsed: process.memoryUsage().heapUsed }];
  let done = 0;
  while (done < calls) {
    const n = Math.min(sampleEvery, calls - done);
    done += await run(n);
    await settle();
    // let pending callback dispatches and timers run before measuring
    await new Promise((resolve) => setTimeout(resolve, 50));
    gcTwice();
    samples.push({ calls: done, heapUsed: process.memoryUsage().heapUsed });
  }
  if (config !== 'none' && spanCount === 0) fail(`${config} produced no spans`);
  // The first window still settles (JIT code, connection pools, lazily built tables): fit from the first sample on.
  const settled = samples.slice(1);
  const xs = settled.map((s) => s.calls);
  const ys = settled.map((s) => s.heapUsed);
  return {
    config,
    scenario,
    calls: done,
    spans: spanCount,
    callbackEvents: config === 'llmtel' ? callbackEvents : undefined,
    samples,
    bytesPerCall: slope(xs, ys),
    openaiVersion,
  };
}

try {
  const result = scenario === 'heap' ? await heap() : await measure();
  process.stdout.write(JSON.stringify(result) + '\n');
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  process.exit(0);
} catch (err) {
  fail(String(err?.stack ?? err), { sdkVersion });
}

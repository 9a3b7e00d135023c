// The whole llmtel pipeline, end to end, with the real components: collector (otel-collector.yaml), Jaeger v2,
// Prometheus 2.42 with our rules, Redis, llmtel-usage-exporter and llmtel-prober, on loopback ports of their own.
// Traffic comes from ordinary apps using the real `openai` SDK under `node --require @llmtel/node/register` and
// `node --import @llmtel/node/register`, against loopback fake providers whose answers (usage numbers) are known.
//
//   phase 1  CommonJS app (--require): users × models, chats and streams, two slow streams; no errors
//            → usage API and Prometheus totals exact; the error-ratio alert stays quiet
//   phase 2  ES module app (--import), paced; the usage exporter is kill -9'ed mid-run; then the collector is
//            stopped and started again while the usage exporter is still down (its usage queue is on disk), then
//            the usage exporter is started again → totals exact: nothing lost, nothing counted twice
//   phase 3  CommonJS app with 429/500 errors injected at the fake provider, paced → the error-ratio alert fires
//   then     Jaeger (sampled traces, with GenAI attributes, cost and user; errors and slow traces all kept, some
//            others dropped yet counted in usage), Prometheus sums, rule health, every Grafana query has data.
//
// Run with `npm run test:e2e` (after `npm run build`; the collector and Jaeger binaries are built on first use).
// LLMTEL_E2E_PORT_BASE moves the ports (default 24300); component logs are printed when a step fails.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeProvider, type FakeProvider } from '@llmtel/test-utils';
import {
  componentPid,
  startCollector,
  startStack,
  startUsageExporter,
  stopComponent,
  stopStack,
} from '../deploy/local/stack-lib.mjs';
import { collectQueries } from '../grafana/src/queries.ts';
import { getJson, getText, jaegerSpans, Prometheus, UsageApi, waitFor, type UsageCounters } from './lib/http.ts';
import {
  checkObserved,
  costOf,
  FAILING_MODEL,
  fixturesFor,
  makePlan,
  MODELS,
  type ObservedCall,
  type Plan,
  sumTotals,
  type Totals,
  totalsBy,
} from './lib/plan.ts';
import {
  allocatePorts,
  type Child,
  logTails,
  type PortName,
  ROOT,
  startChild,
  stopChild,
  waitForExit,
} from './lib/processes.ts';

const SERVICE = 'llmtel-e2e-app';
const RUN_ID = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const WORK_DIR = path.join(ROOT, '.cache', 'e2e');
const STATE_DIR = path.join(WORK_DIR, 'stack');
const LOG_DIR = path.join(WORK_DIR, 'run');
const SAMPLING_PERCENTAGE = 10;
const LATENCY_THRESHOLD_MS = 1500;
/** Per-piece delay of the slow provider: its streams (≥ 8 pieces) take over LATENCY_THRESHOLD_MS. */
const SLOW_CHUNK_DELAY_MS = 250;

let ports: Record<PortName, number>;
let stackOptions: Record<string, any>;
let prom: Prometheus;
let usage: UsageApi;
let jaegerUrl: string;
let fast: FakeProvider;
let slow: FakeProvider;
let probeTarget: Server | undefined;
let prober: Child | undefined;
const children: Child[] = [];
const observed: ObservedCall[] = [];
const testStart = new Date();
let failed = false;
/** Numbers printed at the end (and quoted in reports). */
const seen: Record<string, unknown> = {};

/**
 * One step of the scenario. Steps depend on each other, so after a failure the rest are skipped; every step has its
 * own bound, and a failure (or a timeout) marks the run failed so that `after` prints the components' logs.
 */
function step(name: string, timeoutMs: number, fn: (t: TestContext) => Promise<void>): void {
  it(name, { timeout: timeoutMs + 30_000 }, async (t) => {
    if (failed) {
      t.skip('an earlier step failed');
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        fn(t),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`step "${name}" took over ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  });
}

const log = (line: string) => console.log(`# e2e ${new Date().toISOString().slice(11, 23)} ${line}`);

// ------------------------------------------------------------------------------------------------------------------
// Traffic

/** The environment of a traffic app: ours only (no OTEL_* or LLMTEL_* leaking in from the developer's shell). */
function appEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(OTEL_|LLMTEL_|OPENAI_|NODE_OPTIONS$)/.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

/** OTLP settings for the two apps: gRPC for both signals, or per-signal endpoints with metrics over HTTP. */
function otlpEnv(style: 'single-endpoint' | 'per-signal'): Record<string, string> {
  const grpc = `http://127.0.0.1:${ports.collectorOtlpGrpc}`;
  const http = `http://127.0.0.1:${ports.collectorOtlpHttp}`;
  if (style === 'single-endpoint') return { OTEL_EXPORTER_OTLP_ENDPOINT: grpc, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' };
  return {
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: grpc,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${http}/v1/metrics`,
    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf',
  };
}

interface AppRun {
  child: Child;
  /** Resolves with the calls the app reported once it exited cleanly. */
  done: Promise<ObservedCall[]>;
}

function startApp(phase: string, plan: Plan, loader: 'require' | 'import', paceMs = 0): AppRun {
  const planFile = path.join(LOG_DIR, `plan-${phase}.json`);
  fs.writeFileSync(planFile, `${JSON.stringify(plan, null, 2)}\n`);
  const fixtures = fixturesFor(plan);
  fast.enqueue(...fixtures.fast);
  slow.enqueue(...fixtures.slow);
  const args =
    loader === 'require'
      ? ['--require', '@llmtel/node/register', 'e2e/traffic/app.cjs']
      : ['--import', '@llmtel/node/register', 'e2e/traffic/app.mjs'];
  const child = startChild(`app-${phase}`, args, {
    logDir: LOG_DIR,
    env: appEnv({
      ...otlpEnv(loader === 'require' ? 'single-endpoint' : 'per-signal'),
      OTEL_SERVICE_NAME: SERVICE,
      // Each process its own instance, so that the collector keeps one series per process (cumulative counters).
      OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${phase}-${RUN_ID},deployment.environment.name=e2e`,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      LLMTEL_E2E_PLAN: planFile,
      LLMTEL_E2E_FAST_URL: `${fast.url}/v1`,
      LLMTEL_E2E_SLOW_URL: `${slow.url}/v1`,
      LLMTEL_E2E_PACE_MS: String(paceMs),
    }),
  });
  children.push(child);
  const done = (async () => {
    const code = await waitForExit(child, 120_000);
    assert.equal(code, 0, `${child.name} exited with ${code}; log ${child.logFile}`);
    const calls = child.lines
      .filter((l) => l.startsWith('E2E-CALL '))
      .map((l) => ({ ...(JSON.parse(l.slice('E2E-CALL '.length)) as ObservedCall), phase }));
    for (const call of calls) call.slow = plan.calls[call.i]?.slow === true;
    assert.deepEqual(checkObserved(plan, calls), [], 'the app saw what the plan told the fake provider to answer');
    assert.equal(fast.pendingCount(), 0, 'every fast fixture was used');
    assert.equal(slow.pendingCount(), 0, 'every slow fixture was used');
    return calls;
  })();
  return { child, done };
}

// ------------------------------------------------------------------------------------------------------------------
// Expected totals vs. the usage API

function diffCounters(where: string, api: UsageCounters | undefined, want: Totals): string[] {
  if (!api) return [`${where}: missing`];
  const out: string[] = [];
  for (const k of [
    'requests',
    'errors',
    'input_tokens',
    'output_tokens',
    'cache_read_tokens',
    'reasoning_tokens',
  ] as const) {
    if (api[k] !== want[k]) out.push(`${where}.${k}: api ${api[k]} want ${want[k]}`);
  }
  if (Math.round(api.cost_usd * 1_000_000) !== want.cost_micros) {
    out.push(`${where}.cost_usd: api ${api.cost_usd} want ${want.cost_micros / 1_000_000}`);
  }
  return out;
}

/** Differences between the usage API and the calls the apps made: per user, and per user and model. */
async function usageDiff(calls: ObservedCall[]): Promise<string[]> {
  const problems: string[] = [];
  const byUser = totalsBy(calls, (c) => c.user);
  for (const [user, want] of byUser) {
    const report = await usage.report(user, 'model');
    problems.push(...diffCounters(`${user}.totals`, report.totals, want));
    const byModel = totalsBy(
      calls.filter((c) => c.user === user),
      (c) => c.responseModel ?? c.model,
    );
    const groups = new Map((report.groups ?? []).map((g) => [g.key, g]));
    if (groups.size !== byModel.size) {
      problems.push(`${user}: api groups ${[...groups.keys()].join(',')} want ${[...byModel.keys()].join(',')}`);
    }
    for (const [model, m] of byModel) problems.push(...diffCounters(`${user}.${model}`, groups.get(model), m));
  }
  return problems;
}

async function waitForExactUsage(calls: ObservedCall[], timeoutMs: number): Promise<void> {
  let last: string[] = [];
  await waitFor(
    `usage API totals equal to the ${calls.length} calls made`,
    async () => {
      last = await usageDiff(calls);
      return last.length === 0 ? true : undefined;
    },
    { timeoutMs, intervalMs: 1000 },
    () => last.slice(0, 8).join('; '),
  );
}

// ------------------------------------------------------------------------------------------------------------------
// Expected sums vs. Prometheus

/**
 * Sums over every series the apps produced. Each app process has its own series (service.instance.id) with
 * cumulative values, and series of processes that ended disappear when the collector restarts, so each series counts
 * with its highest value over the run (`max_over_time`), then they are summed.
 */
function runWindow(): string {
  return `${Math.ceil((Date.now() - testStart.getTime()) / 1000) + 120}s`;
}

async function promSumsByModel(metric: string, extra = ''): Promise<Map<string, number>> {
  const selector = `${metric}{job="${SERVICE}"${extra ? `, ${extra}` : ''}}`;
  const result = await prom.query(`sum by (gen_ai_request_model) (max_over_time(${selector}[${runWindow()}]))`);
  return new Map(result.map((r) => [r.metric.gen_ai_request_model ?? '', Number(r.value![1])]));
}

interface PromExpectation {
  what: string;
  metric: string;
  extra?: string;
  want: (t: Totals) => number;
  /** Relative tolerance: 0 for token counts (integers in float64), tiny for summed float costs. */
  tolerance: number;
}

const PROM_EXPECTATIONS: PromExpectation[] = [
  {
    what: 'input tokens',
    metric: 'gen_ai_client_token_usage_sum',
    extra: 'gen_ai_token_type="input"',
    want: (t) => t.input_tokens,
    tolerance: 0,
  },
  {
    what: 'output tokens',
    metric: 'gen_ai_client_token_usage_sum',
    extra: 'gen_ai_token_type="output"',
    want: (t) => t.output_tokens,
    tolerance: 0,
  },
  {
    what: 'token datapoints (input)',
    metric: 'gen_ai_client_token_usage_count',
    extra: 'gen_ai_token_type="input"',
    want: (t) => t.requests - t.errors,
    tolerance: 0,
  },
  { what: 'calls', metric: 'gen_ai_client_operation_duration_seconds_count', want: (t) => t.requests, tolerance: 0 },
  {
    what: 'failed calls',
    metric: 'gen_ai_client_operation_duration_seconds_count',
    extra: 'error_type!=""',
    want: (t) => t.errors,
    tolerance: 0,
  },
  { what: 'cost USD', metric: 'llmtel_client_cost_usd_total', want: (t) => t.cost_usd, tolerance: 1e-9 },
];

async function promDiff(calls: ObservedCall[]): Promise<string[]> {
  const byModel = totalsBy(calls, (c) => c.model);
  const problems: string[] = [];
  for (const e of PROM_EXPECTATIONS) {
    const got = await promSumsByModel(e.metric, e.extra);
    for (const [model, t] of byModel) {
      const want = e.want(t);
      const value = got.get(model) ?? (want === 0 ? 0 : NaN);
      const ok = e.tolerance === 0 ? value === want : Math.abs(value - want) <= e.tolerance * Math.max(1, want);
      if (!ok) problems.push(`${e.what} ${model}: prometheus ${value} want ${want}`);
    }
    for (const model of got.keys()) {
      if (!byModel.has(model)) problems.push(`${e.what}: unexpected model ${model}`);
    }
  }
  return problems;
}

async function waitForPromSums(calls: ObservedCall[], timeoutMs: number): Promise<void> {
  let last: string[] = [];
  await waitFor(
    `Prometheus sums equal to the ${calls.length} calls made`,
    async () => {
      last = await promDiff(calls);
      return last.length === 0 ? true : undefined;
    },
    { timeoutMs, intervalMs: 2000 },
    () => last.slice(0, 8).join('; '),
  );
}

// ------------------------------------------------------------------------------------------------------------------
// Collector telemetry

async function collectorTelemetry(metric: string, match: string): Promise<number | undefined> {
  const text = await getText(`http://127.0.0.1:${ports.collectorTelemetry}/metrics`);
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${metric}{`) && line.includes(match)) total = (total ?? 0) + Number(line.split(' ').at(-1));
  }
  return total;
}

// ------------------------------------------------------------------------------------------------------------------
// The prober and what it probes

async function startProbeTarget(): Promise<string> {
  const body = JSON.stringify({
    id: 'chatcmpl-probe',
    object: 'chat.completion',
    created: 1750000000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'pong' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 8, completion_tokens: 1, total_tokens: 9 },
  });
  probeTarget = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  await new Promise<void>((resolve) => probeTarget!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(probeTarget.address() as AddressInfo).port}`;
}

async function startProber(redisUrl: string): Promise<Child> {
  const target = await startProbeTarget();
  const config = path.join(LOG_DIR, 'prober.yaml');
  fs.writeFileSync(
    config,
    [
      'interval: 2s',
      'timeout: 5s',
      'slow_threshold: 3s',
      'jitter: 100ms',
      'monitors:',
      '  - provider: openai',
      '    service: chat',
      `    url: ${target}/v1/chat/completions`,
      '    method: POST',
      '    api_key: sk-e2e-probe-not-a-real-key',
      '    headers:',
      "      Authorization: 'Bearer {{API_KEY}}'",
      '      Content-Type: application/json',
      '    body:',
      '      model: gpt-4o-mini',
      '      max_tokens: 1',
      '      messages: [{ role: user, content: ping }]',
      '',
    ].join('\n'),
  );
  const child = startChild(
    'prober',
    [path.join(ROOT, 'packages', 'prober', 'dist', 'esm', 'cli.js'), '--config', config],
    {
      logDir: LOG_DIR,
      env: appEnv({
        LLMTEL_REDIS_URL: redisUrl,
        LLMTEL_PROBER_HOST: '127.0.0.1',
        LLMTEL_PROBER_PORT: String(ports.prober),
        OTEL_SERVICE_NAME: 'llmtel-prober',
        OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=prober-${RUN_ID}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.collectorOtlpHttp}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_METRIC_EXPORT_INTERVAL: '2000',
      }),
    },
  );
  children.push(child);
  await waitFor(
    'the prober to be healthy',
    async () => {
      if (child.process.exitCode !== null) throw new Error(`prober exited; log ${child.logFile}`);
      const health = await getJson<{ status: string; redis: string }>(`http://127.0.0.1:${ports.prober}/health`);
      return health.status === 'ok' && health.redis === 'ok' ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  return child;
}

// ------------------------------------------------------------------------------------------------------------------
// The scenario

describe('llmtel pipeline end to end (real collector, Jaeger, Prometheus, Redis, usage exporter, prober)', () => {
  before(async () => {
    fs.mkdirSync(LOG_DIR, { recursive: true });
    for (const f of fs.readdirSync(LOG_DIR)) fs.rmSync(path.join(LOG_DIR, f), { recursive: true, force: true });
    // A previous run that was killed may have left its components running: they are ours, stop them by PID.
    await stopStack({ stateDir: STATE_DIR }).catch(() => {});
    ports = await allocatePorts(Number(process.env.LLMTEL_E2E_PORT_BASE || 24300));
    log(`ports ${JSON.stringify(ports)}`);
    fast = await startFakeProvider();
    slow = await startFakeProvider({ chunkDelayMs: SLOW_CHUNK_DELAY_MS });
    const { prober: _prober, ...stackPorts } = ports;
    stackOptions = {
      stateDir: STATE_DIR,
      ports: stackPorts,
      fresh: true,
      samplingPercentage: SAMPLING_PERCENTAGE,
      decisionWait: '2s',
      latencyThresholdMs: LATENCY_THRESHOLD_MS,
      scrapeInterval: '5s',
      ruleFiles: [
        path.join(ROOT, 'prometheus', 'rules', 'llmtel-recording.yml'),
        path.join(ROOT, 'prometheus', 'e2e', 'llmtel-alerts-fast.yml'),
      ],
      apiToken: randomBytes(18).toString('base64url'),
      healthTimeoutMs: 90_000,
      log,
    };
  });

  after(async () => {
    if (failed) {
      console.log(`\n# e2e FAILED: logs of the stack (${STATE_DIR}) and of the apps (${LOG_DIR})\n`);
      console.log(logTails([STATE_DIR, LOG_DIR]));
    }
    for (const child of children) await stopChild(child);
    await stopStack(stackOptions ?? { stateDir: STATE_DIR }).catch((err: unknown) => console.error(err));
    await fast?.close();
    await slow?.close();
    await new Promise<void>((resolve) => (probeTarget ? probeTarget.close(() => resolve()) : resolve()));
    console.log(`# e2e numbers: ${JSON.stringify(seen, null, 2)}`);
  });

  step('the stack starts: Redis, Jaeger, usage exporter, collector, Prometheus, then the prober', 600_000, async () => {
    const stack = await startStack(stackOptions);
    assert.ok(stack.apiToken, 'the usage exporter runs (packages/usage-exporter is built)');
    prom = new Prometheus(stack.endpoints.prometheus);
    usage = new UsageApi(stack.endpoints.usageExporter, stack.apiToken);
    jaegerUrl = stack.endpoints.jaeger;
    prober = await startProber(stack.endpoints.redisUrl);
    await waitFor(
      'Prometheus to scrape the collector and the usage exporter',
      async () => {
        const up = await prom.query('up');
        const jobs = new Set(up.filter((s) => s.value![1] === '1').map((s) => s.metric.job));
        return jobs.has('otel-collector') && jobs.has('llmtel-usage-exporter') ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
  });

  step('phase 1: the --require app sends traffic; usage API and Prometheus match it exactly', 180_000, async () => {
    const plan = makePlan({ name: 'p1-require', calls: 32, seed: 0, slow: [5, 17] });
    const calls = await startApp('p1', plan, 'require').done;
    observed.push(...calls);
    log(`phase 1: ${calls.length} calls`);
    await waitForExactUsage(observed, 60_000);
    await waitForPromSums(observed, 60_000);
  });

  step('phase 1: without errors the error-ratio alert does not fire', 150_000, async () => {
    const ratios = await waitFor(
      'the error-ratio recording rule over every model',
      async () => {
        const r = await prom.query('provider_model:gen_ai_client_operation_failures_per_operations:ratio_rate5m');
        return r.length === MODELS.length ? r : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 2000 },
    );
    assert.deepEqual(
      ratios.map((r) => Number(r.value![1])),
      MODELS.map(() => 0),
    );
    // The alert group is evaluated every 5 s: give it one more round after the recording rule.
    await sleep(6_000);
    const alerts = await getJson<{ data: { alerts: Array<{ labels: Record<string, string> }> } }>(
      `${prom.url}/api/v1/alerts`,
    );
    assert.equal(alerts.data.alerts.filter((a) => a.labels.alertname === 'LLMHighErrorRatio').length, 0);
  });

  step(
    'phase 2: the --import app runs while the usage exporter is kill -9ed, then the collector restarts from its disk queue',
    240_000,
    async () => {
      const plan = makePlan({ name: 'p2-import', calls: 40, seed: 1000 });
      const run = startApp('p2', plan, 'import', 100);
      const killAt = 15;
      await run.child.waitForLine(new RegExp(`^E2E-CALL \\{"i":${killAt},`), 60_000);
      assert.ok(await stopComponent('usage-exporter', stackOptions, { signal: 'SIGKILL' }), 'usage exporter killed');
      log(`phase 2: usage exporter killed (SIGKILL) after call ${killAt}`);
      const calls = await run.done;
      assert.equal(componentPid('usage-exporter', stackOptions), undefined);
      observed.push(...calls);
      // Metrics do not go through the usage branch: Prometheus has phase 2 already, before the collector restarts.
      await waitForPromSums(observed, 60_000);
      // Everything the collector received since the kill can only reach Redis through its persistent queue.
      const queued = await waitFor(
        'the collector to queue usage spans for the dead usage exporter',
        async () => {
          const size = await collectorTelemetry('otelcol_exporter_queue_size', 'exporter="otlp_http/usage"');
          return size !== undefined && size > 0 ? size : undefined;
        },
        { timeoutMs: 30_000 },
      );
      seen.queueSizeBeforeCollectorStop = queued;
      log(`phase 2: ${queued} requests in the collector's usage queue; stopping the collector`);
      await sleep(3_000); // tail-sampling decisions (2 s) of the last traces, so that Jaeger gets them
      assert.ok(await stopComponent('collector', stackOptions), 'collector stopped');
      const queueDir = path.join(STATE_DIR, 'collector-queue');
      const queueBytes = fs.readdirSync(queueDir).reduce((n, f) => n + fs.statSync(path.join(queueDir, f)).size, 0);
      seen.queueBytesOnDisk = queueBytes;
      assert.ok(queueBytes > 0, 'the collector left its queue on disk');
      await startCollector(stackOptions);
      // With the usage exporter still down, the new collector process can only know these spans from its disk.
      const reloaded = await waitFor(
        'the restarted collector to report the usage queue it reloaded from disk',
        async () => {
          const size = await collectorTelemetry('otelcol_exporter_queue_size', 'exporter="otlp_http/usage"');
          return size !== undefined && size > 0 ? size : undefined;
        },
        { timeoutMs: 30_000 },
      );
      seen.queueSizeAfterCollectorRestart = reloaded;
      log(`phase 2: collector restarted (usage queue size ${reloaded}); starting the usage exporter again`);
      await startUsageExporter(stackOptions);
      await waitForExactUsage(observed, 120_000);
      log('phase 2: usage totals exact after the crash and the restarts');
    },
  );

  step('phase 3: errors injected at the fake provider make the error-ratio alert fire', 300_000, async () => {
    const plan = makePlan({ name: 'p3-errors', calls: 30, seed: 2000, slow: [3, 20], failEvery: 1 });
    // Paced over ~15 s so that Prometheus scrapes the error counters several times while they grow.
    const calls = await startApp('p3', plan, 'require', 400).done;
    observed.push(...calls);
    const errors = calls.filter((c) => !c.ok);
    seen.phase3Errors = errors.map((c) => `${c.model}:${c.status}`);
    assert.ok(errors.length >= 3, 'phase 3 has errors');
    const firing = await waitFor(
      `LLMHighErrorRatio firing for ${FAILING_MODEL}`,
      async () => {
        const body = await getJson<{
          data: { alerts: Array<{ labels: Record<string, string>; state: string; value: string }> };
        }>(`${prom.url}/api/v1/alerts`);
        return body.data.alerts.find(
          (a) =>
            a.labels.alertname === 'LLMHighErrorRatio' &&
            a.state === 'firing' &&
            a.labels.gen_ai_request_model === FAILING_MODEL,
        );
      },
      { timeoutMs: 150_000, intervalMs: 2000 },
    );
    seen.alert = { labels: firing.labels, value: firing.value };
    log(`phase 3: LLMHighErrorRatio firing, value ${firing.value}`);
  });

  step('usage API: per-user and per-model totals equal exactly what the apps sent', 120_000, async () => {
    await waitForExactUsage(observed, 90_000);
    const all = sumTotals(observed);
    seen.calls = { total: observed.length, errors: all.errors, slow: observed.filter((c) => c.slow).length };
    seen.expectedTotals = all;
    // Per model over all users, as the usage API reports per user: the sum of the users' model groups.
    const perModel = new Map<string, UsageCounters>();
    for (const user of new Set(observed.map((c) => c.user))) {
      for (const g of (await usage.report(user, 'model')).groups ?? []) {
        const m = perModel.get(g.key) ?? {
          ...g,
          requests: 0,
          errors: 0,
          input_tokens: 0,
          output_tokens: 0,
          cache_read_tokens: 0,
          cache_write_tokens: 0,
          reasoning_tokens: 0,
          cost_usd: 0,
        };
        for (const k of [
          'requests',
          'errors',
          'input_tokens',
          'output_tokens',
          'cache_read_tokens',
          'reasoning_tokens',
        ] as const) {
          m[k] += g[k];
        }
        m.cost_usd += g.cost_usd;
        perModel.set(g.key, m);
      }
    }
    const wantPerModel = totalsBy(observed, (c) => c.responseModel ?? c.model);
    const problems: string[] = [];
    for (const [model, want] of wantPerModel)
      problems.push(...diffCounters(`model ${model}`, perModel.get(model), want));
    assert.deepEqual(problems, []);
    const models = await usage.get<{ models: string[] }>('/v1/usage/models');
    for (const model of MODELS) assert.ok(models.models.includes(model), `/v1/usage/models lists ${model}`);
    seen.usagePerModel = Object.fromEntries(perModel);
    // How many redelivered records the exporter skipped (a batch stored just before the kill -9 and sent again).
    const metrics = await getText(`${usage.url}/metrics`);
    seen.duplicatesSkipped = Number(
      /^llmtel_usage_exporter_duplicates_skipped_total(?:\{[^}]*\})? (\S+)$/m.exec(metrics)?.[1],
    );
  });

  step('Prometheus: token and cost series sum to exactly what the apps sent', 90_000, async () => {
    await waitForPromSums(observed, 60_000);
    const cost = await prom.scalar(
      `sum(max_over_time(llmtel_client_cost_usd_total{job="${SERVICE}"}[${runWindow()}]))`,
    );
    seen.prometheusCostUsd = cost;
  });

  step(
    'Jaeger: sampled traces carry GenAI attributes, cost and user; errors and slow traces kept, others dropped',
    90_000,
    async () => {
      const byId = new Map(observed.filter((c) => c.id).map((c) => [c.id!, c]));
      const errorCalls = observed.filter((c) => !c.ok);
      const slowCalls = observed.filter((c) => c.slow);
      const from = new Date(testStart.getTime() - 60_000);
      const genAiSpans = async () => {
        const spans = await jaegerSpans(jaegerUrl, SERVICE, from, new Date(Date.now() + 60_000));
        return spans.filter((s) => s.attributes['gen_ai.operation.name'] !== undefined);
      };
      const spans = await waitFor(
        `Jaeger to hold all ${errorCalls.length} error traces and ${slowCalls.length} slow traces`,
        async () => {
          const s = await genAiSpans();
          const errors = s.filter((x) => x.attributes['error.type'] !== undefined).length;
          const slowKept = slowCalls.filter((c) => s.some((x) => x.attributes['gen_ai.response.id'] === c.id)).length;
          return errors === errorCalls.length && slowKept === slowCalls.length ? s : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 2000 },
      );
      const traces = new Set(spans.map((s) => s.traceId));
      assert.equal(traces.size, spans.length, 'one GenAI span per trace (each call is its own trace)');
      let withCost = 0;
      for (const span of spans) {
        const a = span.attributes;
        assert.equal(a['gen_ai.provider.name'], 'openai');
        assert.equal(a['gen_ai.operation.name'], 'chat');
        assert.ok(
          MODELS.includes(a['gen_ai.request.model'] as (typeof MODELS)[number]),
          `model ${a['gen_ai.request.model']}`,
        );
        assert.ok(['alice', 'bob', 'carol', 'dave'].includes(a['user.id'] as string), `user.id ${a['user.id']}`);
        if (a['error.type'] !== undefined) continue;
        const call = byId.get(a['gen_ai.response.id'] as string);
        assert.ok(call, `span ${span.spanId} answers a call the app made (${a['gen_ai.response.id']})`);
        assert.equal(a['user.id'], call.user);
        assert.equal(a['gen_ai.usage.input_tokens'], call.usage!.prompt_tokens);
        assert.equal(a['gen_ai.usage.output_tokens'], call.usage!.completion_tokens);
        assert.equal(a['llmtel.usage.billable'], true);
        const cost = a['llmtel.usage.cost_usd'] as number;
        assert.ok(Math.abs(cost - costOf(call)) <= 1e-12, `cost ${cost} = ${costOf(call)}`);
        withCost++;
      }
      // The spans' secrets never reach Jaeger (redaction) and message content is off by default.
      assert.ok(
        spans.every((s) => !JSON.stringify(s.attributes).includes('sk-e2e-')),
        'no API key in Jaeger',
      );
      const okFast = observed.filter((c) => c.ok && !c.slow);
      const keptFast = okFast.filter((c) => spans.some((s) => s.attributes['gen_ai.response.id'] === c.id));
      const dropped = okFast.length - keptFast.length;
      seen.jaeger = {
        genAiTraces: traces.size,
        errorTraces: errorCalls.length,
        slowTraces: slowCalls.length,
        withCost,
        fastOkSent: okFast.length,
        fastOkKept: keptFast.length,
        droppedFromJaeger: dropped,
      };
      log(`Jaeger: ${JSON.stringify(seen.jaeger)}`);
      assert.ok(withCost >= slowCalls.length, 'the kept successful traces carry cost');
      assert.ok(dropped > 0, 'tail sampling dropped some successful traces from Jaeger (they are counted in usage)');
    },
  );

  step('Prometheus loads every rule healthy', 120_000, async () => {
    let last = '';
    const groups = await waitFor(
      'every rule evaluated with health ok',
      async () => {
        const body = await getJson<{
          data: { groups: Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string }> }> };
        }>(`${prom.url}/api/v1/rules`);
        const bad = body.data.groups.flatMap((g) =>
          g.rules.filter((r) => r.health !== 'ok').map((r) => `${g.name}/${r.name}: ${r.health} ${r.lastError ?? ''}`),
        );
        last = bad.join('; ');
        return bad.length === 0 && body.data.groups.length > 0 ? body.data.groups : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 2000 },
      () => last,
    );
    const names = groups.map((g) => g.name).sort();
    for (const group of [
      'llmtel.genai.recording',
      'llmtel.probe.recording',
      'llmtel.llm',
      'llmtel.usage',
      'llmtel.pipeline',
      'llmtel.availability',
    ]) {
      assert.ok(names.includes(group), `rule group ${group} loaded`);
    }
    seen.rules = groups.reduce((n, g) => n + g.rules.length, 0);
  });

  step('every PromQL expression of the Grafana dashboards and alert rules returns data', 180_000, async () => {
    const dashboards = fs
      .readdirSync(path.join(ROOT, 'grafana', 'dashboards'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(ROOT, 'grafana', 'dashboards', f), 'utf8')));
    const queries = collectQueries(dashboards);
    assert.ok(queries.length > 40, `${queries.length} queries`);
    const empty = (qs: typeof queries) =>
      Promise.all(
        qs.map(async (q) => {
          const end = Date.now() / 1000;
          const result = q.instant
            ? await prom.query(q.promql)
            : await prom.queryRange(q.promql, testStart.getTime() / 1000, end, 5);
          const values = result.flatMap((r) => (r.values ?? (r.value ? [r.value] : [])).map((v) => Number(v[1])));
          return values.some((v) => Number.isFinite(v))
            ? undefined
            : `${q.kind} ${q.uid} "${q.title}" ${q.refId}: ${q.promql}`;
        }),
      ).then((r) => r.filter((x): x is string => x !== undefined));
    let last: string[] = [];
    // The probe recording rule is evaluated once a minute: wait for it rather than fail on timing.
    await waitFor(
      'every Grafana query to return data',
      async () => {
        last = await empty(queries);
        return last.length === 0 ? true : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 5000 },
      () => `${last.length} without data: ${last.join(' | ')}`,
    );
    seen.grafanaQueries = queries.length;
  });

  step('the prober ran rounds against the fake provider', 10_000, async () => {
    assert.ok(prober);
    const status = await getJson<{
      data: Array<{ provider: string; service: string; current_status: { status: number } }>;
    }>(`http://127.0.0.1:${ports.prober}/api/status?period=24h`);
    assert.equal(status.data[0]?.current_status.status, 1, 'the probe is green');
  });
});

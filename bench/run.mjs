// `npm run bench`: added CPU per OpenAI and Anthropic call for llmtel and the peer instrumentations, side by side.
//
// Every (scenario, configuration, repetition) runs in a fresh `node bench/worker.mjs` process; configurations
// alternate (the order rotates every repetition) so that drift on a shared machine spreads over all of them. The fake
// OpenAI/Anthropic server runs in its own process. Also measures `@llmtel/node/register` start-up time and llmtel's
// heap over 100k calls. Prints a table and writes bench/results/latest.json.
//
//   node bench/run.mjs [--quick] [--reps N] [--configs none,llmtel,otel] [--scenarios plain,anthropic-stream]
//                      [--no-startup] [--no-heap] [--heap-baseline] [--timeout-s 180] [--transport http|inproc]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONCURRENCY,
  CONFIGS,
  PEERS,
  SCENARIOS,
  STREAM_CHUNKS,
  configsFor,
  median,
  parseArgs,
  providerOf,
} from './common.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const args = parseArgs(process.argv.slice(2));
const quick = Boolean(args.quick);
// http: the SDK talks to server.mjs over loopback (what an app does); inproc: the SDK's `fetch` answers in-process
// from the same bodies, which removes the HTTP stack's CPU and most of its noise from every configuration alike.
const transport = String(args.transport ?? 'http');
if (!['http', 'inproc'].includes(transport)) throw new Error(`unknown transport ${transport}`);
const inproc = transport === 'inproc';

const plan = {
  reps: Number(args.reps ?? (quick ? 2 : 5)),
  configs: args.configs ? String(args.configs).split(',') : CONFIGS,
  scenarios: args.scenarios ? String(args.scenarios).split(',') : SCENARIOS,
  // [warm-up calls, timed calls] per scenario
  calls: quick
    ? {
        plain: [100, 300],
        stream: [30, 100],
        concurrent: [96, 320],
        'anthropic-plain': [100, 300],
        'anthropic-stream': [30, 100],
      }
    : inproc
      ? // about 10× the HTTP counts: a call costs a tenth of the CPU without the HTTP stack
        {
          plain: [3000, 20000],
          stream: [300, 3000],
          concurrent: [3200, 20480],
          'anthropic-plain': [3000, 20000],
          'anthropic-stream': [300, 3000],
        }
      : {
          plain: [300, 2000],
          stream: [60, 500],
          concurrent: [320, 2048],
          'anthropic-plain': [300, 2000],
          'anthropic-stream': [60, 500],
        },
  heap: quick ? { calls: 10_000, every: 2_000, warmup: 1_000 } : { calls: 100_000, every: 10_000, warmup: 3_000 },
  startupRuns: quick ? 3 : 7,
  timeoutMs: Number(args['timeout-s'] ?? (quick ? 60 : 120)) * 1000,
  heapTimeoutMs: (quick ? 120 : 480) * 1000,
};
if (!plan.configs.includes('none')) plan.configs.unshift('none');
for (const c of plan.configs) if (!CONFIGS.includes(c)) throw new Error(`unknown config ${c}`);
for (const s of plan.scenarios) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}`);

const started = Date.now();
const log = (msg) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}\n`);

// ---- child processes ---------------------------------------------------------------------------------------------

function startServer() {
  const child = spawn(process.execPath, [join(benchDir, 'server.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('bench server did not start in 15 s')), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve({ port: JSON.parse(line).port, stop: () => child.stdin.end(), child });
      }
    });
    child.on('exit', (code) => reject(new Error(`bench server exited early (${code})`)));
  });
}

/** Runs one worker; resolves to its JSON result, or `{ error }` on a crash or timeout (then the child is killed). */
function runWorker(workerArgs, { nodeArgs = [], timeoutMs = plan.timeoutMs } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, join(benchDir, 'worker.mjs'), ...workerArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: workerEnv(),
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ error: `timed out after ${timeoutMs / 1000} s (killed)` });
      const line = stdout.trim().split('\n').pop();
      try {
        const result = JSON.parse(line);
        if (code !== 0 && !result.error) result.error = `exit code ${code}`;
        resolve(result);
      } catch {
        resolve({ error: `exit code ${code}, no result: ${(stderr || stdout).trim().slice(-600)}` });
      }
    });
  });
}

/** Same environment for every worker: no OTel/llmtel settings leak in from the shell. */
function workerEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('OTEL_') && !k.startsWith('LLMTEL_') && k !== 'NODE_OPTIONS') env[k] = v;
  }
  return env;
}

// ---- overhead ----------------------------------------------------------------------------------------------------

async function overhead(port) {
  const runs = [];
  const total = plan.reps * plan.scenarios.reduce((n, s) => n + configsOf(s).length, 0);
  for (let rep = 0; rep < plan.reps; rep++) {
    for (const scenario of plan.scenarios) {
      const configs = configsOf(scenario);
      const order = configs.map((_, i) => configs[(i + rep) % configs.length]);
      const [warmup, calls] = plan.calls[scenario];
      for (const config of order) {
        const r = await runWorker([
          ...['--config', config, '--scenario', scenario, '--port', String(port), '--transport', transport],
          ...['--calls', String(calls), '--warmup', String(warmup)],
        ]);
        runs.push({ ...r, rep, scenario, config });
        const shown = r.error ? `ERROR ${r.error.split('\n')[0]}` : `${r.cpuUsPerCall.toFixed(1)} µs/call`;
        log(`${runs.length}/${total} rep ${rep + 1} ${scenario} ${config}: ${shown}`);
      }
    }
  }
  return runs;
}

/** The configurations of this run that exist for a scenario's SDK (no `otel` for Anthropic), `none` first. */
function configsOf(scenario) {
  return plan.configs.filter((c) => configsFor(scenario).includes(c));
}

function summarize(runs) {
  const rows = [];
  const verdicts = [];
  for (const scenario of plan.scenarios) {
    const of = (config) => runs.filter((r) => r.scenario === scenario && r.config === config);
    const baseRuns = of('none').filter((r) => !r.error);
    const base = median(baseRuns.map((r) => r.cpuUsPerCall));
    const blockBase = median(baseRuns.map((r) => r.cpuUsPerCallBlockMedian));
    const perConfig = {};
    for (const config of configsOf(scenario)) {
      const all = of(config);
      const ok = all.filter((r) => !r.error);
      const errors = [...new Set(all.filter((r) => r.error).map((r) => r.error.split('\n')[0]))];
      const cpu = ok.map((r) => r.cpuUsPerCall);
      const added = cpu.map((v) => v - base);
      perConfig[config] = {
        n: ok.length,
        failed: all.length - ok.length,
        errors,
        cpuMedian: median(cpu),
        addedMedian: config === 'none' ? 0 : median(cpu) - base,
        // for `none` itself: how far its own runs spread around its median (the noise floor of this run)
        addedMin: Math.min(...added),
        addedMax: Math.max(...added),
        blockAddedMedian: config === 'none' ? 0 : median(ok.map((r) => r.cpuUsPerCallBlockMedian)) - blockBase,
        wallMedian: median(ok.map((r) => r.wallUsPerCall)),
        involuntaryContextSwitchesPerCall: median(ok.map((r) => r.involuntaryContextSwitchesPerCall)),
        spansPerCall: median(ok.map((r) => r.spansPerCall)),
        metricNames: ok[0]?.metrics?.names ?? [],
        version: ok[0]?.instrumentationVersion,
      };
    }
    const peers = PEERS.filter((p) => perConfig[p]?.n > 0);
    const lowest = (key) => peers.reduce((b, p) => (b && perConfig[b][key] <= perConfig[p][key] ? b : p), undefined);
    const best = lowest('addedMedian');
    const blockBest = lowest('blockAddedMedian');
    const ratioTo = (value, bestValue) => (bestValue > 0 ? value / bestValue : NaN);
    for (const config of configsOf(scenario)) {
      const s = perConfig[config];
      rows.push({
        scenario,
        config,
        ...s,
        ratioToBestPeer: config === 'none' ? undefined : ratioTo(s.addedMedian, perConfig[best]?.addedMedian),
        blockRatioToBestPeer:
          config === 'none' ? undefined : ratioTo(s.blockAddedMedian, perConfig[blockBest]?.blockAddedMedian),
      });
    }
    if (perConfig.llmtel?.n > 0 && best) {
      verdicts.push({
        scenario,
        bestPeer: best,
        bestPeerAdded: perConfig[best].addedMedian,
        llmtelAdded: perConfig.llmtel.addedMedian,
        ratio: ratioTo(perConfig.llmtel.addedMedian, perConfig[best].addedMedian),
        blockBestPeer: blockBest,
        blockRatio: ratioTo(perConfig.llmtel.blockAddedMedian, perConfig[blockBest].blockAddedMedian),
        noiseUs: (perConfig.none.addedMax - perConfig.none.addedMin) / 2,
        floorAdded: perConfig.floor?.n > 0 ? perConfig.floor.addedMedian : undefined,
      });
    }
  }
  return { rows, verdicts };
}

// ---- start-up ----------------------------------------------------------------------------------------------------

/** A loopback port nothing listens on (bound, then released), so OTLP exporters have nowhere to send. */
function closedLoopbackPort() {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Printed by the `-e` script: when user code starts (ms since the process began) and whether an SDK was installed.
const READY_SCRIPT =
  'process.stdout.write(JSON.stringify({ readyMs: performance.now(), ' +
  "sdk: !!globalThis[Symbol.for('opentelemetry.js.api.1')]?.trace }))";

async function startup() {
  try {
    require.resolve('@llmtel/node/register');
  } catch (err) {
    return { pending: `@llmtel/node/register does not resolve yet (${err.code ?? err.message})` };
  }
  // Default exporters (OTLP) aimed at a closed loopback port: the SDK starts as it would in production, and no byte
  // leaves the machine. The OTLP transports load on first export, so they are not part of start-up either way.
  const otlpEnv = { ...workerEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedLoopbackPort()}` };
  const noneEnv = {
    ...workerEnv(),
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  };
  const REGISTER = '@llmtel/node/register';
  const variants = [
    { name: 'baseline', nodeArgs: [], env: otlpEnv },
    { name: 'require', nodeArgs: ['--require', REGISTER], env: otlpEnv },
    { name: 'import', nodeArgs: ['--import', REGISTER], env: otlpEnv },
    { name: 'require, exporters none', nodeArgs: ['--require', REGISTER], env: noneEnv },
  ];
  const once = (v) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [...v.nodeArgs, '-e', READY_SCRIPT], {
      cwd: benchDir,
      env: v.env,
      stdio: 'pipe',
      timeout: 30_000,
    });
    const wallMs = performance.now() - t0;
    if (r.status !== 0) {
      throw new Error(`node ${v.nodeArgs.join(' ')} failed: ${r.error ?? r.stderr.toString().slice(-400)}`);
    }
    return { ...JSON.parse(r.stdout.toString()), wallMs };
  };
  const samples = Object.fromEntries(variants.map((v) => [v.name, []]));
  try {
    for (const v of variants) once(v); // warm the file-system cache
    for (let i = 0; i < plan.startupRuns; i++) {
      for (let j = 0; j < variants.length; j++) {
        const v = variants[(i + j) % variants.length];
        samples[v.name].push(once(v));
      }
    }
  } catch (err) {
    return { error: String(err.message ?? err) };
  }
  const base = samples.baseline;
  const result = { runs: plan.startupRuns, variants: {} };
  for (const v of variants) {
    const s = samples[v.name];
    result.variants[v.name] = {
      readyMs: median(s.map((x) => x.readyMs)),
      wallMs: median(s.map((x) => x.wallMs)),
      addedReadyMs: median(s.map((x) => x.readyMs)) - median(base.map((x) => x.readyMs)),
      addedWallMs: median(s.map((x) => x.wallMs)) - median(base.map((x) => x.wallMs)),
      sdkInstalled: s.every((x) => x.sdk),
      samples: s,
    };
  }
  return result;
}

// ---- heap --------------------------------------------------------------------------------------------------------

function heap(port, config) {
  const { calls, every, warmup } = plan.heap;
  return runWorker(
    [
      ...['--config', config, '--scenario', 'heap', '--port', String(port), '--transport', transport],
      ...['--calls', String(calls), '--sample-every', String(every), '--warmup', String(warmup)],
    ],
    { nodeArgs: ['--expose-gc'], timeoutMs: plan.heapTimeoutMs },
  );
}

// ---- output ------------------------------------------------------------------------------------------------------

const fmt = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-');
const signed = (v, d = 1) => (Number.isFinite(v) ? (v >= 0 ? '+' : '') + v.toFixed(d) : '-');

function overheadTable(summary) {
  const head = [
    'scenario',
    'config',
    'CPU µs/call',
    'added µs/call',
    'ratio to best peer',
    'added min / max',
    'block-median added (ratio)',
    'spans/call',
  ];
  const body = summary.rows.map((r) => {
    const base = r.config === 'none';
    if (!r.n) return [r.scenario, r.config, 'FAILED', '-', '', '', '', r.errors[0]?.slice(0, 100) ?? ''];
    return [
      r.scenario,
      r.config + (r.version ? ` ${r.version}` : ''),
      fmt(r.cpuMedian),
      base ? '(baseline)' : fmt(r.addedMedian),
      base ? '' : fmt(r.ratioToBestPeer, 2),
      `${fmt(r.addedMin)} / ${fmt(r.addedMax)}`,
      base ? '' : `${fmt(r.blockAddedMedian)} (${fmt(r.blockRatioToBestPeer, 2)})`,
      fmt(r.spansPerCall, 2) + (r.failed ? ` (${r.failed} runs failed: ${r.errors[0]?.slice(0, 60)})` : ''),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  const lines = [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|'];
  let last;
  for (const row of body) {
    if (last && row[0] !== last) lines.push(line(widths.map(() => '')));
    last = row[0];
    lines.push(line(row));
  }
  return lines;
}

/** What each configuration recorded, so that a cheap peer is not mistaken for an equivalent one. */
function legendLines(runs) {
  const content = {
    llmtel: 'content capture off (default), cost + 1 callback handler on',
    otel: 'content capture off (default)',
    traceloop: 'defaults: prompts/completions on spans (traceContent)',
    arize: 'defaults: input/output values on spans',
    floor: "not an instrumentation: llmtel's span attributes and metric points, nothing else (floor.mjs)",
  };
  const sdkNote = {
    openai: '',
    // 0.134 and later start their own span per call whenever a global tracer provider exists
    anthropic: ' (the last release without its own tracing, so no configuration also pays for the SDK tracing itself)',
  };
  const lines = [];
  for (const provider of ['openai', 'anthropic']) {
    const scenarios = plan.scenarios.filter((s) => providerOf(s) === provider);
    if (scenarios.length === 0) continue;
    const ofProvider = runs.filter((x) => !x.error && scenarios.includes(x.scenario));
    const sdk = ofProvider.find((x) => x.sdkVersion);
    lines.push(
      `${scenarios.join(', ')}: ${sdk ? `${sdk.sdk} ${sdk.sdkVersion}${sdkNote[provider]}` : 'no successful run'}`,
    );
    for (const c of configsOf(scenarios[0]).filter((x) => x !== 'none')) {
      const r = ofProvider.find((x) => x.config === c);
      if (!r) {
        lines.push(`  ${c}: no successful run`);
        continue;
      }
      const metrics = r.metrics?.names?.length ? r.metrics.names.join(', ') : 'no metrics';
      const attributes = r.sampleSpan?.attributes.length ?? 0;
      const version = r.instrumentationVersion ? ` (${r.instrumentationVersion})` : '';
      lines.push(`  ${c}${version}: ${content[c]}; span attributes ${attributes}; ${metrics}`);
    }
  }
  return lines;
}

function verdictLines(summary) {
  return summary.verdicts.map((v) => {
    const verdict = !Number.isFinite(v.ratio)
      ? 'INCONCLUSIVE (best peer not above the noise)'
      : v.ratio <= 1 / 3
        ? 'PASS'
        : 'FAIL';
    const line =
      `${v.scenario}: llmtel / best peer (${v.bestPeer}) = ${fmt(v.llmtelAdded)} / ${fmt(v.bestPeerAdded)} µs = ` +
      `${fmt(v.ratio, 2)} (target ≤ 0.33) ${verdict}; block-median ratio ${fmt(v.blockRatio, 2)}` +
      ` (vs ${v.blockBestPeer}); baseline noise ±${fmt(v.noiseUs)} µs`;
    if (v.floorAdded === undefined) return line;
    const third = v.bestPeerAdded / 3;
    return (
      `${line}\n  floor (the OTel SDK alone for llmtel's span and metric points) ${fmt(v.floorAdded)} µs; ` +
      `a third of the best peer is ${fmt(third)} µs${third < v.floorAdded ? ', below the floor' : ''}; ` +
      `llmtel's own work above the floor ${fmt(v.llmtelAdded - v.floorAdded)} µs`
    );
  });
}

function startupLines(s) {
  if (!s) return [];
  if (s.pending) return [`register start-up: PENDING (${s.pending})`];
  if (s.error) return [`register start-up: ERROR ${s.error}`];
  const lines = [
    `register start-up (median of ${s.runs}; "ready" = time until user code runs, "wall" = whole \`node -e\` process):`,
  ];
  for (const [name, v] of Object.entries(s.variants)) {
    const target = name === 'require' ? (v.addedReadyMs <= 150 ? ' (target ≤ 150) PASS' : ' (target ≤ 150) FAIL') : '';
    lines.push(
      name === 'baseline'
        ? `  node -e ''                ready ${fmt(v.readyMs)} ms, wall ${fmt(v.wallMs)} ms`
        : `  ${name.padEnd(24)} ready ${signed(v.addedReadyMs)} ms${target}, wall ${signed(v.addedWallMs)} ms, ` +
            `SDK installed: ${v.sdkInstalled}`,
    );
  }
  return lines;
}

function heapLines(results) {
  const lines = [];
  for (const r of results) {
    if (r.error) {
      lines.push(`heap (${r.config}): ERROR ${r.error.split('\n')[0]}`);
      continue;
    }
    const mb = (b) => (b / 1024 / 1024).toFixed(2);
    const series = r.samples.map((x) => `${x.calls / 1000}k:${mb(x.heapUsed)}`).join(' ');
    const settled = r.samples.slice(1).map((x) => x.heapUsed);
    const growth = settled.at(-1) - settled[0];
    const range = Math.max(...settled) - Math.min(...settled);
    lines.push(
      `heap ${r.config.padEnd(6)} heapUsed MB after GC, by calls: ${series}`,
      `  slope after the first ${plan.heap.every / 1000}k calls: ${fmt(r.bytesPerCall, 2)} bytes/call; ` +
        `${r.samples[1].calls / 1000}k→${r.calls / 1000}k ${signed(growth / 1024)} KB (range ${fmt(range / 1024)} KB)` +
        (r.config === 'none' ? '' : `; ${r.spans} spans, ${r.callbackEvents ?? '-'} callback events`),
    );
  }
  const [llmtel, none] = ['llmtel', 'none'].map((c) => results.find((r) => r.config === c && !r.error));
  if (llmtel) {
    // "flat": the fitted line grows less than 10 bytes per call (1 MB per 100k calls; heapUsed after GC wobbles by a
    // few hundred KB between samples). One leaked span, event or promise per call is well above 100 bytes per call.
    const extra = llmtel.bytesPerCall - (none?.bytesPerCall ?? 0);
    lines.push(
      `heap verdict: llmtel retains ${fmt(extra, 2)} bytes/call${none ? ' more than none' : ''} ` +
        `(flat: < 10): ${quick ? 'not judged in --quick (too few calls)' : extra < 10 ? 'FLAT' : 'GROWING'}`,
    );
  }
  return lines;
}

// ---- main --------------------------------------------------------------------------------------------------------

const loadNow = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const loadAtStart = loadNow();
const server = await startServer();
log(
  `${inproc ? 'in-process transport' : `server on 127.0.0.1:${server.port}`}; ${quick ? 'QUICK ' : ''}${plan.reps} reps × ${plan.scenarios.join('/')} × ` +
    `${plan.configs.join('/')}; ${cpus().length} cpus, load ${loadAtStart}`,
);
let runs;
let startupResult;
const heapResults = [];
try {
  runs = await overhead(server.port);
  if (!args['no-startup']) {
    log('start-up');
    startupResult = await startup();
  }
  if (!args['no-heap']) {
    for (const config of args['heap-baseline'] ? ['llmtel', 'none'] : ['llmtel']) {
      log(`heap: ${plan.heap.calls} ${config} calls`);
      heapResults.push({ ...(await heap(server.port, config)), config });
    }
  }
} finally {
  server.stop();
}

const summary = summarize(runs);
const sdks = [...new Set(runs.filter((r) => r.sdkVersion).map((r) => `${r.sdk} ${r.sdkVersion}`))];
const printed = [
  `llmtel bench ${new Date().toISOString()}: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ` +
    `load avg ${loadAtStart} at start → ${loadNow()} at end; ${sdks.join(', ')}`,
  `${plan.reps} reps per configuration, each in a fresh process, order rotated per rep; per process, warm-up + timed ` +
    `calls: ${plan.scenarios.map((s) => `${s} ${plan.calls[s].join(' + ')}`).join(', ')}; streams have ` +
    `${STREAM_CHUNKS} content chunks and usage` +
    (plan.scenarios.includes('concurrent') ? `; concurrent keeps ${CONCURRENCY} calls in flight` : ''),
  inproc
    ? 'transport: in-process (the SDK `fetch` answers from memory; no HTTP stack in any configuration)'
    : 'transport: HTTP over loopback to the fake server (its own process)',
  'CPU = process.cpuUsage() user+system per call; added = median(config) − median(none); medians over reps',
  '',
  ...overheadTable(summary),
  '',
  ...legendLines(runs),
  '',
  ...verdictLines(summary),
  ...startupLines(startupResult),
  ...heapLines(heapResults),
].join('\n');
process.stdout.write(printed + '\n');

const resultsDir = join(benchDir, 'results');
mkdirSync(resultsDir, { recursive: true });
const out = {
  transport,
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  loadavgAtStart: loadAtStart,
  loadavgAtEnd: loadNow(),
  durationS: (Date.now() - started) / 1000,
  plan,
  summary,
  startup: startupResult,
  heap: heapResults,
  runs,
  table: printed,
};
const resultsFile = `latest${inproc ? '-inproc' : ''}${quick ? '-quick' : ''}.json`;
writeFileSync(join(resultsDir, resultsFile), JSON.stringify(out, null, 2) + '\n');
log(`done in ${out.durationS.toFixed(0)} s; wrote ${join('bench', 'results', resultsFile)}`);

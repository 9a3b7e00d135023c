// `npm run bench`: added CPU per OpenAI call for llmtel and three peer instrumentations, side by side.
//
// Every (scenario, configuration, repetition) runs in a fresh `node bench/worker.mjs` process; configurations
// alternate (the order rotates every repetition) so that drift on a shared machine spreads over all of them. The fake
// OpenAI server runs in its own process. Also measures `@llmtel/node/register` start-up time and llmtel's heap over
// 100k calls. Prints a table and writes bench/results/latest.json.
//
//   node bench/run.mjs [--quick] [--reps N] [--configs none,llmtel,otel] [--scenarios plain,stream]
//                      [--no-startup] [--no-heap] [--timeout-s 180]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIGS, PEERS, SCENARIOS, median, parseArgs } from './common.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const args = parseArgs(process.argv.slice(2));
const quick = Boolean(args.quick);

const plan = {
  reps: Number(args.reps ?? (quick ? 2 : 5)),
  configs: args.configs ? String(args.configs).split(',') : CONFIGS,
  scenarios: args.scenarios ? String(args.scenarios).split(',') : SCENARIOS,
  // [warm-up calls, timed calls] per scenario
  calls: quick
    ? { plain: [100, 300], stream: [30, 100], concurrent: [96, 320] }
    : { plain: [300, 2000], stream: [60, 500], concurrent: [320, 2048] },
  heap: quick ? { calls: 10_000, every: 2_000, warmup: 500 } : { calls: 100_000, every: 10_000, warmup: 1_000 },
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
  const total = plan.reps * plan.scenarios.length * plan.configs.length;
  for (let rep = 0; rep < plan.reps; rep++) {
    const order = plan.configs.map((_, i) => plan.configs[(i + rep) % plan.configs.length]);
    for (const scenario of plan.scenarios) {
      const [warmup, calls] = plan.calls[scenario];
      for (const config of order) {
        const r = await runWorker([
          ...['--config', config, '--scenario', scenario, '--port', String(port)],
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

function summarize(runs) {
  const rows = [];
  const verdicts = [];
  for (const scenario of plan.scenarios) {
    const of = (config) => runs.filter((r) => r.scenario === scenario && r.config === config);
    const baseRuns = of('none').filter((r) => !r.error);
    const base = median(baseRuns.map((r) => r.cpuUsPerCall));
    const perConfig = {};
    for (const config of plan.configs) {
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
        addedMin: Math.min(...added),
        addedMax: Math.max(...added),
        wallMedian: median(ok.map((r) => r.wallUsPerCall)),
        spansPerCall: median(ok.map((r) => r.spansPerCall)),
        metricNames: ok[0]?.metrics?.names ?? [],
        version: ok[0]?.instrumentationVersion,
      };
    }
    const peers = PEERS.filter((p) => perConfig[p]?.n > 0);
    const best = peers.reduce((b, p) => (b && perConfig[b].addedMedian <= perConfig[p].addedMedian ? b : p), undefined);
    const bestAdded = best ? perConfig[best].addedMedian : NaN;
    for (const config of plan.configs) {
      const s = perConfig[config];
      rows.push({ scenario, config, ...s, ratioToBestPeer: config === 'none' ? undefined : s.addedMedian / bestAdded });
    }
    if (perConfig.llmtel) {
      const ratio = perConfig.llmtel.addedMedian / bestAdded;
      verdicts.push({
        scenario,
        bestPeer: best,
        bestPeerAdded: bestAdded,
        llmtelAdded: perConfig.llmtel.addedMedian,
        ratio,
      });
    }
  }
  return { rows, verdicts };
}

// ---- start-up ----------------------------------------------------------------------------------------------------

function startup() {
  let registerPath;
  try {
    registerPath = require.resolve('@llmtel/node/register');
  } catch (err) {
    return { pending: `@llmtel/node/register does not resolve yet (${err.code ?? err.message})` };
  }
  const env = workerEnv();
  Object.assign(env, { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' });
  const time = (nodeArgs) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [...nodeArgs, '-e', ''], {
      cwd: benchDir,
      env,
      stdio: 'pipe',
      timeout: 30_000,
    });
    const ms = performance.now() - t0;
    if (r.status !== 0)
      throw new Error(`node ${nodeArgs.join(' ')} failed: ${r.error ?? r.stderr.toString().slice(-400)}`);
    return ms;
  };
  const probe = spawnSync(
    process.execPath,
    [
      '--require',
      '@llmtel/node/register',
      '-e',
      "process.stdout.write(String(!!globalThis[Symbol.for('opentelemetry.js.api.1')]?.trace))",
    ],
    { cwd: benchDir, env, stdio: 'pipe', timeout: 30_000 },
  );
  const installed = probe.stdout?.toString() === 'true';
  const variants = { baseline: [], require: [], import: [] };
  const errors = [];
  time([]); // warm the file-system cache
  for (let i = 0; i < plan.startupRuns; i++) {
    try {
      variants.baseline.push(time([]));
      variants.require.push(time(['--require', '@llmtel/node/register']));
      variants.import.push(time(['--import', '@llmtel/node/register']));
    } catch (err) {
      errors.push(String(err.message ?? err));
      break;
    }
  }
  if (errors.length) return { error: errors[0], registerPath };
  const base = median(variants.baseline);
  return {
    runs: plan.startupRuns,
    baselineMs: base,
    requireMs: median(variants.require),
    importMs: median(variants.import),
    addedRequireMs: median(variants.require) - base,
    addedImportMs: median(variants.import) - base,
    tracerProviderInstalled: installed,
    samples: variants,
  };
}

// ---- heap --------------------------------------------------------------------------------------------------------

async function heap(port) {
  const { calls, every, warmup } = plan.heap;
  const r = await runWorker(
    [
      ...['--config', 'llmtel', '--scenario', 'heap', '--port', String(port)],
      ...['--calls', String(calls), '--sample-every', String(every), '--warmup', String(warmup)],
    ],
    { nodeArgs: ['--expose-gc'], timeoutMs: plan.heapTimeoutMs },
  );
  return r;
}

// ---- output ------------------------------------------------------------------------------------------------------

const fmt = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-');

function table(summary, startupResult, heapResult) {
  const lines = [];
  const head = [
    'scenario',
    'config',
    'CPU µs/call',
    'added µs/call',
    'ratio to best peer',
    'added min / max',
    'spans/call',
  ];
  const body = summary.rows.map((r) => [
    r.scenario,
    r.config + (r.version ? ` ${r.version}` : ''),
    r.n ? fmt(r.cpuMedian) : 'FAILED',
    r.config === 'none' ? '(baseline)' : r.n ? fmt(r.addedMedian) : '-',
    r.config === 'none' || !r.n ? '' : fmt(r.ratioToBestPeer, 2),
    r.config === 'none' || !r.n ? '' : `${fmt(r.addedMin)} / ${fmt(r.addedMax)}`,
    r.n ? fmt(r.spansPerCall, 2) + (r.failed ? ` (${r.failed} failed)` : '') : (r.errors[0]?.slice(0, 80) ?? ''),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  lines.push(line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  let last;
  for (const row of body) {
    if (last && row[0] !== last) lines.push(line(widths.map(() => '')));
    last = row[0];
    lines.push(line(row));
  }
  lines.push('');
  for (const v of summary.verdicts) {
    const ok = v.ratio <= 1 / 3;
    lines.push(
      `${v.scenario}: llmtel / best peer (${v.bestPeer}) = ${fmt(v.llmtelAdded)} / ${fmt(v.bestPeerAdded)} µs = ` +
        `${fmt(v.ratio, 2)} (target ≤ 0.33) ${ok ? 'PASS' : 'FAIL'}`,
    );
  }
  if (startupResult) {
    if (startupResult.pending) lines.push(`register start-up: PENDING (${startupResult.pending})`);
    else if (startupResult.error) lines.push(`register start-up: ERROR ${startupResult.error}`);
    else {
      const ok = startupResult.addedRequireMs <= 150;
      lines.push(
        `register start-up (median of ${startupResult.runs}, exporters none): node -e '' ${fmt(startupResult.baselineMs)} ms; ` +
          `--require +${fmt(startupResult.addedRequireMs)} ms (target ≤ 150) ${ok ? 'PASS' : 'FAIL'}; ` +
          `--import +${fmt(startupResult.addedImportMs)} ms; tracer provider installed: ${startupResult.tracerProviderInstalled}`,
      );
    }
  }
  if (heapResult) {
    if (heapResult.error) lines.push(`heap (llmtel): ERROR ${heapResult.error.split('\n')[0]}`);
    else {
      const mb = (b) => (b / 1024 / 1024).toFixed(2);
      const series = heapResult.samples.map((s) => `${s.calls / 1000}k:${mb(s.heapUsed)}`).join(' ');
      const perEvery = heapResult.bytesPerCall * plan.heap.every;
      const growth = heapResult.samples.at(-1).heapUsed - heapResult.samples[0].heapUsed;
      // flat: less than 1 byte retained per call on the fitted line (100 KB per 100k calls)
      const flat = heapResult.bytesPerCall < 1;
      lines.push(
        `heap (llmtel, ${heapResult.calls} plain calls, heapUsed MB after GC): ${series}`,
        `heap slope: ${fmt(heapResult.bytesPerCall, 3)} bytes/call (${fmt(perEvery / 1024)} KB per ${plan.heap.every / 1000}k calls), ` +
          `first→last ${fmt(growth / 1024)} KB, ${heapResult.spans} spans, ${heapResult.callbackEvents} callback events: ${flat ? 'FLAT' : 'GROWING'}`,
      );
    }
  }
  return lines.join('\n');
}

// ---- main --------------------------------------------------------------------------------------------------------

const server = await startServer();
log(
  `server on 127.0.0.1:${server.port}; ${quick ? 'QUICK ' : ''}${plan.reps} reps × ${plan.scenarios.join('/')} × ` +
    `${plan.configs.join('/')}; ${cpus().length} cpus, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
let runs;
let startupResult;
let heapResult;
try {
  runs = await overhead(server.port);
  if (!args['no-startup']) {
    log('start-up');
    startupResult = startup();
  }
  if (!args['no-heap']) {
    log(`heap: ${plan.heap.calls} llmtel calls`);
    heapResult = await heap(server.port);
  }
} finally {
  server.stop();
}

const summary = summarize(runs);
const printed = table(summary, startupResult, heapResult);
process.stdout.write(printed + '\n');

const resultsDir = join(benchDir, 'results');
mkdirSync(resultsDir, { recursive: true });
const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  loadavgAtEnd: loadavg(),
  durationS: (Date.now() - started) / 1000,
  plan,
  summary,
  startup: startupResult,
  heap: heapResult,
  runs,
  table: printed,
};
writeFileSync(join(resultsDir, quick ? 'latest-quick.json' : 'latest.json'), JSON.stringify(out, null, 2) + '\n');
log(
  `done in ${out.durationS.toFixed(0)} s; wrote ${join('bench', 'results', quick ? 'latest-quick.json' : 'latest.json')}`,
);

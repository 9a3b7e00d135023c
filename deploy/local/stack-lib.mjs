// The llmtel pipeline on loopback, for people (deploy/local/stack.mjs) and the end-to-end tests: Redis, Jaeger v2,
// the collector (otel-collector.yaml), Prometheus and llmtel-usage-exporter as real processes, with bounded
// health waits, PID files and logs in one state directory, stopped by PID.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Start order; `stopStack` goes the other way so that nothing is sent to a component already gone. */
export const COMPONENTS = ['redis', 'jaeger', 'usage-exporter', 'collector', 'prometheus'];

const DEFAULT_PORTS = {
  redis: 6379,
  jaegerOtlpGrpc: 4327,
  jaegerQuery: 16686,
  jaegerQueryGrpc: 16685,
  jaegerHealth: 13134,
  jaegerMetrics: 14269,
  collectorOtlpGrpc: 4317,
  collectorOtlpHttp: 4318,
  collectorPrometheus: 8889,
  collectorHealth: 13133,
  collectorTelemetry: 8888,
  usageExporter: 4319,
  prometheus: 9090,
};

const PORT_ENV = {
  redis: 'LLMTEL_STACK_REDIS_PORT',
  jaegerQuery: 'LLMTEL_STACK_JAEGER_QUERY_PORT',
  collectorOtlpGrpc: 'LLMTEL_STACK_OTLP_GRPC_PORT',
  collectorOtlpHttp: 'LLMTEL_STACK_OTLP_HTTP_PORT',
  usageExporter: 'LLMTEL_STACK_USAGE_PORT',
  prometheus: 'LLMTEL_STACK_PROMETHEUS_PORT',
};

/**
 * Resolves stack options: `options` ?? environment ?? defaults.
 * @param {object} [options]
 * @param {string} [options.stateDir] PIDs, logs and data (default `.cache/stack`, env `LLMTEL_STACK_DIR`).
 * @param {string} [options.binDir] built binaries (default `.cache/bin`).
 * @param {Partial<typeof DEFAULT_PORTS>} [options.ports] loopback ports, see DEFAULT_PORTS.
 * @param {number} [options.samplingPercentage] tail sampling percentage for Jaeger (default 10).
 * @param {string} [options.decisionWait] tail sampling decision wait (default `5s` here).
 * @param {number} [options.latencyThresholdMs] traces slower than this are always kept (default 5000).
 * @param {string} [options.scrapeInterval] Prometheus scrape and rule evaluation interval (default `5s`).
 * @param {string[]} [options.ruleFiles] Prometheus rule files (default: every rule file under prometheus/).
 * @param {string} [options.apiToken] usage API token (default env `LLMTEL_API_TOKEN`, else a random one kept in
 *   `<stateDir>/api-token`).
 * @param {boolean} [options.detached] let the processes outlive this one (the CLI); default false.
 * @param {number} [options.healthTimeoutMs] bound of each health wait (default 60 s).
 * @param {number} [options.stopTimeoutMs] SIGTERM grace before SIGKILL (default 15 s).
 * @param {(line: string) => void} [options.log] progress lines (default: none).
 */
export function resolveStackOptions(options = {}) {
  const env = process.env;
  const stateDir = path.resolve(options.stateDir ?? env.LLMTEL_STACK_DIR ?? path.join(ROOT, '.cache', 'stack'));
  const ports = { ...DEFAULT_PORTS };
  for (const [key, envName] of Object.entries(PORT_ENV)) {
    const raw = env[envName];
    if (raw === undefined || raw === '') continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`${envName}=${raw} is not a port`);
    ports[key] = port;
  }
  Object.assign(ports, options.ports);
  return {
    host: '127.0.0.1',
    stateDir,
    binDir: path.resolve(options.binDir ?? path.join(ROOT, '.cache', 'bin')),
    ports,
    samplingPercentage: options.samplingPercentage ?? numberEnv('LLMTEL_TAIL_SAMPLING_PERCENTAGE') ?? 10,
    decisionWait: options.decisionWait ?? env.LLMTEL_TAIL_SAMPLING_DECISION_WAIT ?? '5s',
    latencyThresholdMs: options.latencyThresholdMs ?? numberEnv('LLMTEL_TAIL_SAMPLING_LATENCY_THRESHOLD_MS') ?? 5000,
    scrapeInterval: options.scrapeInterval ?? '5s',
    ruleFiles: options.ruleFiles,
    apiToken: options.apiToken ?? (env.LLMTEL_API_TOKEN || undefined),
    detached: options.detached ?? false,
    healthTimeoutMs: options.healthTimeoutMs ?? 60_000,
    stopTimeoutMs: options.stopTimeoutMs ?? 15_000,
    log: options.log ?? (() => {}),
  };
}

function numberEnv(name) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new RangeError(`${name}=${raw} is not a number`);
  return value;
}

/** URLs and addresses of a running stack (all loopback). */
export function stackEndpoints(opts) {
  const { host, ports } = opts;
  return {
    redisUrl: `redis://${host}:${ports.redis}`,
    otlpGrpc: `http://${host}:${ports.collectorOtlpGrpc}`,
    otlpHttp: `http://${host}:${ports.collectorOtlpHttp}`,
    collectorMetrics: `http://${host}:${ports.collectorPrometheus}/metrics`,
    collectorTelemetry: `http://${host}:${ports.collectorTelemetry}/metrics`,
    collectorHealth: `http://${host}:${ports.collectorHealth}/`,
    jaeger: `http://${host}:${ports.jaegerQuery}`,
    jaegerOtlpGrpc: `${host}:${ports.jaegerOtlpGrpc}`,
    usageExporter: `http://${host}:${ports.usageExporter}`,
    prometheus: `http://${host}:${ports.prometheus}`,
  };
}

const paths = (opts, name) => ({
  pid: path.join(opts.stateDir, `${name}.pid`),
  log: path.join(opts.stateDir, `${name}.log`),
});

// ---------------------------------------------------------------------------------------------------------------
// Binaries

/** Builds the collector and Jaeger once (each build script skips itself when current); checks the Debian tools. */
export function ensureBinaries(options = {}) {
  const opts = resolveStackOptions(options);
  for (const script of ['deploy/collector/build.sh', 'deploy/jaeger/build.sh']) {
    opts.log(`build: ${script}`);
    const result = spawnSync('bash', [path.join(ROOT, script)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(`${script} failed (exit ${result.status}):\n${tail(`${result.stdout}\n${result.stderr}`)}`);
    }
    opts.log(`  ${result.stdout.trim().split('\n').at(-1)}`);
  }
  for (const tool of ['redis-server', 'prometheus']) {
    if (!which(tool)) throw new Error(`${tool} is not installed: run .ci/install-system.sh (Debian packages)`);
  }
  if (!fs.existsSync(USAGE_EXPORTER_CLI)) {
    // A fresh clone: compile the usage exporter (and the packages it references) without building the whole repo.
    opts.log('build: packages/usage-exporter (tsc -b)');
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const project = path.join(ROOT, 'packages', 'usage-exporter', 'tsconfig.json');
    const result = spawnSync(process.execPath, [tsc, '-b', project], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(`tsc -b ${project} failed:\n${tail(`${result.stdout}\n${result.stderr}`)}`);
  }
  return { collector: path.join(opts.binDir, 'otelcol-llmtel'), jaeger: path.join(opts.binDir, 'jaeger') };
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

/** True when `pid` is a live process (a zombie, fully exited but not yet reaped, counts as gone). */
export function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') return true;
    // A zombie main thread whose other threads still exit keeps the process' sockets open until they are done.
    return fs.readdirSync(`/proc/${pid}/task`).length > 1;
  } catch {
    return true;
  }
}

function readPid(file) {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The PID recorded for a component, if that process still runs the same executable (PIDs get reused). */
export function componentPid(name, options = {}) {
  const opts = resolveStackOptions(options);
  const file = paths(opts, name).pid;
  const pid = readPid(file);
  if (pid === undefined || !isAlive(pid)) return undefined;
  let recorded;
  try {
    recorded = fs.readFileSync(`${file}.exe`, 'utf8');
  } catch {
    return pid;
  }
  // /proc/<pid>/exe, not the command line: redis-server rewrites its argv into a title.
  try {
    return fs.readlinkSync(`/proc/${pid}/exe`) === recorded ? pid : undefined;
  } catch {
    return pid;
  }
}

function realExecutable(command) {
  try {
    return fs.realpathSync(command);
  } catch {
    return command;
  }
}

function tail(text, lines = 30) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function readLogTail(file) {
  try {
    return tail(fs.readFileSync(file, 'utf8'));
  } catch {
    return '(no log)';
  }
}

function portInUse(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Fails when something listens on the port. Waits a little first: a process just killed can hold its sockets for a
 * moment after its main thread is gone (its other threads are still exiting).
 */
async function assertPortFree(host, port, name) {
  const deadline = Date.now() + 5_000;
  while (await portInUse(host, port)) {
    if (Date.now() > deadline) {
      throw new Error(`${name}: ${host}:${port} is already in use (another stack or service running?)`);
    }
    await sleep(200);
  }
}

/**
 * Spawns one component with its output appended to `<stateDir>/<name>.log`, records its PID, then waits (bounded)
 * until `ready()` resolves true. Kills the process again when it never gets ready.
 */
async function launch(opts, spec) {
  const { name, command, args, env, ready, ports = [], cwd = ROOT } = spec;
  const existing = componentPid(name, opts);
  if (existing !== undefined) {
    opts.log(`${name}: already running (pid ${existing})`);
    return handle(opts, name, existing);
  }
  for (const port of ports) await assertPortFree(opts.host, port, name);
  fs.mkdirSync(opts.stateDir, { recursive: true });
  const { pid: pidFile, log: logFile } = paths(opts, name);
  const out = fs.openSync(logFile, 'a');
  fs.writeSync(out, `\n--- ${new Date().toISOString()} starting ${command} ${args.join(' ')}\n`);
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
    detached: opts.detached,
  });
  fs.closeSync(out);
  const spawned = await new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid));
    child.once('error', reject);
  });
  if (opts.detached) child.unref();
  fs.writeFileSync(pidFile, `${spawned}\n`);
  fs.writeFileSync(`${pidFile}.exe`, realExecutable(command));
  opts.log(`${name}: started (pid ${spawned}), waiting until healthy`);
  const deadline = Date.now() + opts.healthTimeoutMs;
  for (;;) {
    if (!isAlive(spawned)) {
      fs.rmSync(pidFile, { force: true });
      throw new Error(`${name} exited during startup; ${logFile}:\n${readLogTail(logFile)}`);
    }
    if (await ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      await stopPid(opts, name, spawned);
      throw new Error(`${name} not healthy after ${opts.healthTimeoutMs} ms; ${logFile}:\n${readLogTail(logFile)}`);
    }
    await sleep(250);
  }
  opts.log(`${name}: healthy`);
  return handle(opts, name, spawned);
}

function handle(opts, name, pid) {
  return {
    name,
    pid,
    logFile: paths(opts, name).log,
    stop: (stopOptions) => stopComponent(name, opts, stopOptions),
  };
}

async function stopPid(opts, name, pid, signal = 'SIGTERM') {
  const groupOrPid = opts.detached ? -pid : pid;
  const send = (sig) => {
    try {
      process.kill(groupOrPid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  send(signal);
  const deadline = Date.now() + (signal === 'SIGKILL' ? 5_000 : opts.stopTimeoutMs);
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    opts.log(`${name}: still running after ${signal}, sending SIGKILL`);
    send('SIGKILL');
    const killDeadline = Date.now() + 5_000;
    while (isAlive(pid) && Date.now() < killDeadline) await sleep(100);
  }
  if (isAlive(pid)) throw new Error(`${name} (pid ${pid}) did not exit`);
}

/**
 * Stops one component by its recorded PID: SIGTERM, then SIGKILL after `stopTimeoutMs`.
 * `{ signal: 'SIGKILL' }` kills it at once (crash tests). Resolves false when it was not running.
 */
export async function stopComponent(name, options = {}, { signal = 'SIGTERM' } = {}) {
  const opts = resolveStackOptions(options);
  const { pid: pidFile } = paths(opts, name);
  const pid = componentPid(name, opts);
  if (pid === undefined) {
    fs.rmSync(pidFile, { force: true });
    fs.rmSync(`${pidFile}.exe`, { force: true });
    return false;
  }
  opts.log(`${name}: stopping (pid ${pid}, ${signal})`);
  await stopPid(opts, name, pid, signal);
  fs.rmSync(pidFile, { force: true });
  fs.rmSync(`${pidFile}.exe`, { force: true });
  opts.log(`${name}: stopped`);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Health checks

async function httpOk(url, accept = (status) => status >= 200 && status < 300) {
  const res = await globalThis.fetch(url, { signal: globalThis.AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return accept(res.status);
}

function redisPing(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let data = '';
    socket.setTimeout(2000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      if (data.includes('\r\n')) {
        socket.destroy();
        resolve(data.startsWith('+PONG'));
      }
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Components

/** Redis from Debian's redis-server, append-only file on, data in `<stateDir>/redis`. */
export async function startRedis(options = {}) {
  const opts = resolveStackOptions(options);
  const dir = path.join(opts.stateDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const port = opts.ports.redis;
  return launch(opts, {
    name: 'redis',
    command: which('redis-server') ?? 'redis-server',
    // `--save ''` turns off RDB snapshots: the append-only file is the durability here.
    args: [
      '--bind',
      opts.host,
      '--port',
      String(port),
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      '--logfile',
      '',
    ],
    ports: [port],
    ready: () => redisPing(opts.host, port),
  });
}

/** Jaeger v2 (in-memory storage) from `.cache/bin/jaeger` with deploy/jaeger/config.yaml. */
export async function startJaeger(options = {}) {
  const opts = resolveStackOptions(options);
  const { ports, host } = opts;
  return launch(opts, {
    name: 'jaeger',
    command: path.join(opts.binDir, 'jaeger'),
    args: ['--config', path.join(ROOT, 'deploy', 'jaeger', 'config.yaml')],
    env: {
      JAEGER_LISTEN_HOST: host,
      JAEGER_OTLP_GRPC_PORT: String(ports.jaegerOtlpGrpc),
      JAEGER_QUERY_HTTP_PORT: String(ports.jaegerQuery),
      JAEGER_QUERY_GRPC_PORT: String(ports.jaegerQueryGrpc),
      JAEGER_HEALTH_PORT: String(ports.jaegerHealth),
      JAEGER_METRICS_PORT: String(ports.jaegerMetrics),
    },
    ports: [ports.jaegerOtlpGrpc, ports.jaegerQuery, ports.jaegerQueryGrpc, ports.jaegerHealth, ports.jaegerMetrics],
    ready: async () =>
      (await httpOk(`http://${host}:${ports.jaegerHealth}/status`)) &&
      (await httpOk(`http://${host}:${ports.jaegerQuery}/api/v3/services`)),
  });
}

/**
 * The collector (`.cache/bin/otelcol-llmtel`, otel-collector.yaml) on loopback, exporting to this stack's Jaeger
 * and usage exporter, with its persistent sending queue in `<stateDir>/collector-queue` (kept across restarts).
 */
export async function startCollector(options = {}) {
  const opts = resolveStackOptions(options);
  const { ports, host } = opts;
  const queueDir = path.join(opts.stateDir, 'collector-queue');
  fs.mkdirSync(queueDir, { recursive: true });
  return launch(opts, {
    name: 'collector',
    command: path.join(opts.binDir, 'otelcol-llmtel'),
    args: ['--config', path.join(ROOT, 'otel-collector.yaml')],
    env: collectorEnv(opts, queueDir),
    ports: [
      ports.collectorOtlpGrpc,
      ports.collectorOtlpHttp,
      ports.collectorPrometheus,
      ports.collectorHealth,
      ports.collectorTelemetry,
    ],
    ready: () => httpOk(`http://${host}:${ports.collectorHealth}/`),
  });
}

/** Environment that points otel-collector.yaml at this stack. */
export function collectorEnv(opts, queueDir = path.join(opts.stateDir, 'collector-queue')) {
  const { ports, host } = opts;
  return {
    LLMTEL_COLLECTOR_OTLP_GRPC_ENDPOINT: `${host}:${ports.collectorOtlpGrpc}`,
    LLMTEL_COLLECTOR_OTLP_HTTP_ENDPOINT: `${host}:${ports.collectorOtlpHttp}`,
    LLMTEL_COLLECTOR_PROMETHEUS_ENDPOINT: `${host}:${ports.collectorPrometheus}`,
    LLMTEL_COLLECTOR_HEALTH_ENDPOINT: `${host}:${ports.collectorHealth}`,
    LLMTEL_COLLECTOR_TELEMETRY_HOST: host,
    LLMTEL_COLLECTOR_TELEMETRY_PORT: String(ports.collectorTelemetry),
    LLMTEL_COLLECTOR_STORAGE_DIR: queueDir,
    LLMTEL_JAEGER_OTLP_ENDPOINT: `${host}:${ports.jaegerOtlpGrpc}`,
    LLMTEL_USAGE_ENDPOINT: `http://${host}:${ports.usageExporter}`,
    LLMTEL_TAIL_SAMPLING_PERCENTAGE: String(opts.samplingPercentage),
    LLMTEL_TAIL_SAMPLING_DECISION_WAIT: opts.decisionWait,
    LLMTEL_TAIL_SAMPLING_LATENCY_THRESHOLD_MS: String(opts.latencyThresholdMs),
  };
}

/** Path of llmtel-usage-exporter's CLI (built by `npm run build`); the component is skipped while it is absent. */
export const USAGE_EXPORTER_CLI = path.join(ROOT, 'packages', 'usage-exporter', 'dist', 'esm', 'cli.js');

/** The usage API token of this stack: options, then env, then a random one kept in `<stateDir>/api-token`. */
export function apiToken(options = {}) {
  const opts = resolveStackOptions(options);
  if (opts.apiToken) return opts.apiToken;
  const file = path.join(opts.stateDir, 'api-token');
  try {
    const token = fs.readFileSync(file, 'utf8').trim();
    if (token) return token;
  } catch {
    // first run
  }
  fs.mkdirSync(opts.stateDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** llmtel-usage-exporter (node) on loopback, storing into this stack's Redis. Resolves undefined when not built. */
export async function startUsageExporter(options = {}) {
  const opts = resolveStackOptions(options);
  if (!fs.existsSync(USAGE_EXPORTER_CLI)) {
    opts.log(`usage-exporter: skipped, ${path.relative(ROOT, USAGE_EXPORTER_CLI)} not built (npm run build)`);
    return undefined;
  }
  const { ports, host } = opts;
  return launch(opts, {
    name: 'usage-exporter',
    command: process.execPath,
    args: [USAGE_EXPORTER_CLI],
    env: {
      LLMTEL_REDIS_URL: `redis://${host}:${ports.redis}`,
      LLMTEL_USAGE_HOST: host,
      LLMTEL_USAGE_PORT: String(ports.usageExporter),
      LLMTEL_API_TOKEN: apiToken(opts),
      // A NODE_OPTIONS meant for the app under test (--require @llmtel/node/register) must not instrument the exporter.
      NODE_OPTIONS: '',
    },
    ports: [ports.usageExporter],
    ready: () => httpOk(`http://${host}:${ports.usageExporter}/readyz`),
  });
}

/**
 * Rule files under prometheus/ for the local Prometheus: files with a top-level `groups:` key, leaving out promtool
 * test files, the `tests/` and `e2e/` directories and `*.test.yml` / `*-test.yml`.
 */
export function findRuleFiles(dir = path.join(ROOT, 'prometheus')) {
  const found = [];
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      // Test-only rule files (shortened `for:`) are for the tests to pass explicitly as `ruleFiles`.
      if (entry.isDirectory()) {
        if (!/^(tests?|e2e)$/.test(entry.name)) walk(full);
        continue;
      }
      if (!/\.ya?ml$/.test(entry.name) || /[.-]test\.ya?ml$/.test(entry.name)) continue;
      const text = fs.readFileSync(full, 'utf8');
      if (/^groups:/m.test(text) && !/^tests:/m.test(text)) found.push(full);
    }
  };
  walk(dir);
  return found;
}

/**
 * prometheus.yml for this stack, with the jobs of prometheus/prometheus.yml (compose): the collector's exporter and
 * its own telemetry, the usage exporter, Jaeger and Prometheus itself.
 */
export function prometheusConfig(opts) {
  const { host, ports } = opts;
  const ruleFiles = opts.ruleFiles ?? findRuleFiles();
  const job = (name, target, extra = []) => [
    `  - job_name: ${name}`,
    ...extra,
    `    static_configs:`,
    `      - targets: ['${host}:${target}']`,
  ];
  return [
    '# Generated by deploy/local/stack-lib.mjs for the local stack; do not edit.',
    'global:',
    `  scrape_interval: ${opts.scrapeInterval}`,
    `  evaluation_interval: ${opts.scrapeInterval}`,
    'rule_files:',
    ...(ruleFiles.length ? ruleFiles.map((f) => `  - ${JSON.stringify(f)}`) : ['  []']),
    'scrape_configs:',
    // honor_labels keeps the job/instance labels the collector derives from each app's resource.
    ...job('otel-collector', ports.collectorPrometheus, ['    honor_labels: true']),
    ...job('otel-collector-internal', ports.collectorTelemetry),
    ...job('llmtel-usage-exporter', ports.usageExporter),
    // The prober pushes its metrics over OTLP to the collector; it has no scrape endpoint of its own.
    ...job('jaeger', ports.jaegerMetrics),
    ...job('prometheus', ports.prometheus),
    '',
  ]
    .join('\n')
    .replace('rule_files:\n  []', 'rule_files: []');
}

/** Prometheus 2.42 from Debian, config generated into `<stateDir>/prometheus.yml`, TSDB in `<stateDir>/prometheus`. */
export async function startPrometheus(options = {}) {
  const opts = resolveStackOptions(options);
  const { ports, host } = opts;
  fs.mkdirSync(opts.stateDir, { recursive: true });
  const configFile = path.join(opts.stateDir, 'prometheus.yml');
  fs.writeFileSync(configFile, prometheusConfig(opts));
  const dataDir = path.join(opts.stateDir, 'prometheus');
  fs.mkdirSync(dataDir, { recursive: true });
  return launch(opts, {
    name: 'prometheus',
    command: which('prometheus') ?? 'prometheus',
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=${host}:${ports.prometheus}`,
      '--web.enable-lifecycle',
      '--storage.tsdb.retention.time=2d',
    ],
    ports: [ports.prometheus],
    ready: () => httpOk(`http://${host}:${ports.prometheus}/-/ready`),
  });
}

const STARTERS = {
  redis: startRedis,
  jaeger: startJaeger,
  'usage-exporter': startUsageExporter,
  collector: startCollector,
  prometheus: startPrometheus,
};

/** Starts one component by name (see COMPONENTS). */
export function startComponent(name, options = {}) {
  const start = STARTERS[name];
  if (!start) throw new Error(`unknown component ${name}; one of ${COMPONENTS.join(', ')}`);
  return start(options);
}

/** Stops every component of the stack, in reverse start order. */
export async function stopStack(options = {}) {
  const opts = resolveStackOptions(options);
  const errors = [];
  for (const name of [...COMPONENTS].reverse()) {
    try {
      await stopComponent(name, opts);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length) throw new AggregateError(errors, 'some components did not stop');
}

/**
 * Builds what is missing, then starts the whole stack. With `fresh: true`, first wipes the stack's data (Redis,
 * the collector's queue, Prometheus' TSDB). On failure, stops what it started.
 * @returns {Promise<{ endpoints: ReturnType<typeof stackEndpoints>, apiToken: string | undefined,
 *   components: Record<string, object | undefined>, options: object, stop: () => Promise<void> }>}
 */
export async function startStack(options = {}) {
  const opts = resolveStackOptions(options);
  if (options.build !== false) ensureBinaries(opts);
  if (options.fresh) {
    for (const name of COMPONENTS) {
      if (componentPid(name, opts) !== undefined) throw new Error(`fresh start asked but ${name} is running`);
    }
    for (const dir of ['redis', 'collector-queue', 'prometheus']) {
      fs.rmSync(path.join(opts.stateDir, dir), { recursive: true, force: true });
    }
  }
  const components = {};
  try {
    for (const name of COMPONENTS) components[name] = await startComponent(name, opts);
  } catch (err) {
    await stopStack(opts).catch(() => {});
    throw err;
  }
  const state = { endpoints: stackEndpoints(opts), stateDir: opts.stateDir, startedAt: new Date().toISOString() };
  fs.writeFileSync(path.join(opts.stateDir, 'stack.json'), `${JSON.stringify(state, null, 2)}\n`);
  return {
    endpoints: state.endpoints,
    apiToken: components['usage-exporter'] ? apiToken(opts) : undefined,
    components,
    options: opts,
    stop: () => stopStack(opts),
  };
}

/** Running state and health of every component. */
export async function stackStatus(options = {}) {
  const opts = resolveStackOptions(options);
  const { host, ports } = opts;
  const checks = {
    redis: () => redisPing(host, ports.redis),
    jaeger: () => httpOk(`http://${host}:${ports.jaegerHealth}/status`),
    'usage-exporter': () => httpOk(`http://${host}:${ports.usageExporter}/readyz`),
    collector: () => httpOk(`http://${host}:${ports.collectorHealth}/`),
    prometheus: () => httpOk(`http://${host}:${ports.prometheus}/-/ready`),
  };
  const result = {};
  for (const name of COMPONENTS) {
    const pid = componentPid(name, opts);
    result[name] = {
      pid,
      running: pid !== undefined,
      healthy: pid !== undefined && (await checks[name]().catch(() => false)),
      log: paths(opts, name).log,
    };
  }
  return result;
}

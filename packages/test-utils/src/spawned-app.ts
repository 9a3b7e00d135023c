import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeProvider, type ReceivedRequest } from './fake-provider.js';
import type { Fixture } from './fixtures.js';

/** The environment variable that tells the shared preload what to set up (JSON of `OtelPreloadConfig`). */
export const OTEL_PRELOAD_ENV = 'LLMTEL_TEST_OTEL';

/**
 * The shared preloads for spawned test apps: OpenTelemetry registered globally, every finished span printed as a
 * `SPAN {json}` line (`PrintedSpan`), the token usage metric as `METRIC {json}` lines (`PrintedPoint`) before exit.
 * `cjs` is for `--require` (and works with `--import` too); `esm` for `--import`: it first registers
 * import-in-the-middle's loader hook for `OtelPreloadConfig.hook`, then runs `cjs`.
 */
export const otelPreload = {
  cjs: fileURLToPath(new URL('../../preload/otel-setup.cjs', import.meta.url)),
  esm: fileURLToPath(new URL('../../preload/otel-setup.mjs', import.meta.url)),
} as const;

export interface OtelPreloadConfig {
  /**
   * Instrumentations to construct (with no options, so enabled and on the global providers), each as
   * `'<module>#<export>'`, in this order. Modules resolve from the app's working directory.
   */
  instrumentations?: string[];
  /** Span processors (`'<module>#<export>'`, constructed with no options) ahead of the printing one. */
  spanProcessors?: string[];
  /** Registers the W3C trace-context propagator globally (so that SDK requests carry `traceparent`). */
  propagator?: boolean;
  /** What import-in-the-middle's ES module hook patches (module names, or patterns of file URLs). */
  hook?: (string | RegExp)[];
}

/** The environment that hands `config` to the shared preload. */
export function otelPreloadEnv(config: OtelPreloadConfig): Record<string, string> {
  const hook = config.hook?.map((entry) =>
    typeof entry === 'string' ? entry : { regexp: entry.source, flags: entry.flags },
  );
  return { [OTEL_PRELOAD_ENV]: JSON.stringify({ ...config, hook }) };
}

/** How a preloaded app runs: everything of `RunAppOptions` but the working directory and the environment. */
export type PreloadedRunOptions = Omit<RunAppOptions, 'cwd' | 'env'>;

export interface PreloadedApp {
  kind: 'ES module' | 'CommonJS';
  flags: string[];
  /** The app's path. */
  app: string;
  /** Runs the app in its folder under the preload, with `env` besides the preload's configuration. */
  run(env?: Record<string, string>): Promise<AppResult>;
}

/**
 * `<dir>/app.mjs` with `--import` of the ES module preload and `<dir>/app.cjs` with `--require` of the CommonJS one,
 * both set up as `config` says.
 */
export function preloadedApps(
  dir: string,
  config: OtelPreloadConfig,
  options: PreloadedRunOptions = {},
): PreloadedApp[] {
  const preloadEnv = otelPreloadEnv(config);
  const app = (kind: PreloadedApp['kind'], flags: string[], file: string): PreloadedApp => ({
    kind,
    flags,
    app: join(dir, file),
    run: (env = {}) => runApp(flags, join(dir, file), { ...options, cwd: dir, env: { ...preloadEnv, ...env } }),
  });
  return [
    app('ES module', ['--import', otelPreload.esm], 'app.mjs'),
    app('CommonJS', ['--require', otelPreload.cjs], 'app.cjs'),
  ];
}

export interface AppResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunAppOptions {
  /** The working directory (the shared preload resolves instrumentations from here). */
  cwd: string;
  /** The app's environment besides `PATH`: nothing else of the test's own environment reaches it. */
  env?: Record<string, string>;
  /** Kills the app and rejects after this long. Default 30 s. */
  timeoutMs?: number;
  /** Passes the test run's own `NODE_OPTIONS` through, so that flags it was started with reach the app too. */
  passNodeOptions?: boolean;
}

/** Runs `node [...flags] app` in a child process and collects its output; kills it and rejects on the timeout. */
export function runApp(flags: string[], app: string, options: RunAppOptions): Promise<AppResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const inherited =
    options.passNodeOptions === true && process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {};
  const child = spawn(process.execPath, [...flags, app], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...inherited, ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`app did not exit within ${timeoutMs / 1000} s\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
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

/** A span as the shared preload prints it. */
export interface PrintedSpan {
  name: string;
  kind: number;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

/** A `gen_ai.client.token.usage` data point as the shared preload prints it. */
export interface PrintedPoint {
  attributes: Record<string, unknown>;
  count: number;
  sum: number;
}

/** The JSON of every stdout line that starts with `<prefix> `. */
export function printedLines<T>(stdout: string, prefix: string): T[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(`${prefix} `))
    .map((line) => JSON.parse(line.slice(prefix.length + 1)) as T);
}

export function printedSpans(stdout: string): PrintedSpan[] {
  return printedLines<PrintedSpan>(stdout, 'SPAN');
}

export function printedPoints(stdout: string): PrintedPoint[] {
  return printedLines<PrintedPoint>(stdout, 'METRIC');
}

/** How many token usage data of a type (`input`, `output`) were recorded, and their sum. */
export function tokenTotals(points: readonly PrintedPoint[], type: string): { count: number; sum: number } {
  const ofType = points.filter((p) => p.attributes['gen_ai.token.type'] === type);
  return { count: ofType.reduce((n, p) => n + p.count, 0), sum: ofType.reduce((n, p) => n + p.sum, 0) };
}

/** `tokenTotals` of the printed token usage points, for both token types. */
export function printedTokenTotals(stdout: string): Record<'input' | 'output', { count: number; sum: number }> {
  const points = printedPoints(stdout);
  return { input: tokenTotals(points, 'input'), output: tokenTotals(points, 'output') };
}

/** Each span's `[gen_ai.usage.input_tokens, gen_ai.usage.output_tokens]`, in order. */
export function printedTokenCounts(spans: readonly PrintedSpan[]): [unknown, unknown][] {
  return spans.map((s) => [s.attributes['gen_ai.usage.input_tokens'], s.attributes['gen_ai.usage.output_tokens']]);
}

/** Asserts that the app exited with 0 (its stderr as the message) and that its output matches each of `lines`. */
export function assertAppPrinted(result: AppResult, lines: readonly RegExp[]): void {
  assert.equal(result.code, 0, result.stderr);
  for (const line of lines) assert.match(result.stdout, line);
}

/** Asserts that every span is of `scope` and has each of `attributes` (`assert.deepEqual`, key by key). */
export function assertEveryPrintedSpan(
  spans: readonly PrintedSpan[],
  scope: string,
  attributes: Record<string, unknown>,
): void {
  for (const span of spans) {
    assert.equal(span.scope, scope);
    for (const [key, value] of Object.entries(attributes)) assert.deepEqual(span.attributes[key], value, key);
  }
}

/**
 * Runs a preloaded app against a fake provider of its own that answers with `fixtures`, then closes the fake.
 * `env(url)` is the app's environment, given the fake's URL. Also returns the requests the fake received.
 */
export async function runAgainstFake(
  app: PreloadedApp,
  fixtures: Fixture[],
  env: (url: string) => Record<string, string>,
): Promise<AppResult & { requests: ReceivedRequest[] }> {
  const fake = await startFakeProvider({ fixtures });
  try {
    return { ...(await app.run(env(fake.url))), requests: fake.requests };
  } finally {
    await fake.close();
  }
}

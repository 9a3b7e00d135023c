// Loopback ports, the traffic app and prober processes, and log collection for the end-to-end test.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const PORT_NAMES = [
  'redis',
  'jaegerOtlpGrpc',
  'jaegerQuery',
  'jaegerQueryGrpc',
  'jaegerHealth',
  'jaegerMetrics',
  'collectorOtlpGrpc',
  'collectorOtlpHttp',
  'collectorPrometheus',
  'collectorHealth',
  'collectorTelemetry',
  'usageExporter',
  'prometheus',
  'prober',
] as const;

export type PortName = (typeof PORT_NAMES)[number];

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Free loopback ports for every component, scanning upwards from `base` (below Linux' ephemeral range, so that no
 * outgoing connection grabs one in between). Ports in use, for instance by a developer's `npm run stack:up` on the
 * default ports or by another run of this test, are skipped.
 */
export async function allocatePorts(base: number): Promise<Record<PortName, number>> {
  const ports = {} as Record<PortName, number>;
  let next = base;
  for (const name of PORT_NAMES) {
    while (!(await canListen(next))) {
      next++;
      if (next > base + 2000) throw new Error(`no free port between ${base} and ${base + 2000}`);
    }
    ports[name] = next++;
  }
  return ports;
}

/** A child process whose output goes to a log file and whose stdout lines can be watched. */
export interface Child {
  name: string;
  process: ChildProcess;
  logFile: string;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first stdout line matching `re`; rejects when the process exits first or after `timeoutMs`. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<string>;
}

export function startChild(
  name: string,
  args: string[],
  { env, logDir, cwd = ROOT }: { env: NodeJS.ProcessEnv; logDir: string; cwd?: string },
): Child {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  log.write(`--- ${new Date().toISOString()} node ${args.join(' ')}\n`);
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    log.write(chunk);
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      lines.push(line);
      for (const w of watchers) w(line);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => log.write(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      log.end(`--- exited code=${code} signal=${signal}\n`);
      resolve({ code, signal });
    });
  });
  return {
    name,
    process: child,
    logFile,
    lines,
    exited,
    waitForLine(re, timeoutMs) {
      const found = lines.find((l) => re.test(l));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<string>((resolve, reject) => {
        const done = (fn: () => void) => {
          watchers.delete(watcher);
          clearTimeout(timer);
          fn();
        };
        const watcher = (line: string) => {
          if (re.test(line)) done(() => resolve(line));
        };
        watchers.add(watcher);
        const timer = setTimeout(
          () => done(() => reject(new Error(`${name}: no line matching ${re} within ${timeoutMs} ms`))),
          timeoutMs,
        );
        void exited.then(({ code, signal }) =>
          done(() => reject(new Error(`${name} exited (code ${code}, signal ${signal}) before printing ${re}`))),
        );
      });
    },
  };
}

/** `promise`'s value, or undefined after `ms`; the timer is cancelled either way (no timer keeps the test alive). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  const timer = new AbortController();
  try {
    const timeout = sleep(ms, undefined, { signal: timer.signal }).then(
      () => undefined,
      () => undefined, // aborted: the promise won
    );
    return await Promise.race([promise, timeout]);
  } finally {
    timer.abort();
  }
}

/** Waits (bounded) for a child to exit; kills it when it does not, and fails. */
export async function waitForExit(child: Child, timeoutMs: number): Promise<number | null> {
  const result = await within(child.exited, timeoutMs);
  if (result === undefined) {
    child.process.kill('SIGKILL');
    throw new Error(`${child.name} did not finish within ${timeoutMs} ms (killed); log: ${child.logFile}`);
  }
  return result.code;
}

/** Stops a child by its PID: SIGTERM, SIGKILL after `graceMs`. */
export async function stopChild(child: Child | undefined, graceMs = 10_000): Promise<void> {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  if ((await within(child.exited, graceMs)) === undefined) {
    child.process.kill('SIGKILL');
    await within(child.exited, 5_000);
  }
}

/** The last `lines` lines of every `*.log` in `dirs`, for the test output when something failed. */
export function logTails(dirs: string[], lines = 60): string {
  const out: string[] = [];
  for (const dir of dirs) {
    let files: string[] = [];
    try {
      files = fs.readdirSync(dir).filter((f) => f.endsWith('.log'));
    } catch {
      continue;
    }
    for (const f of files.sort()) {
      const file = path.join(dir, f);
      const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      out.push(`===== ${file} (last ${lines} lines) =====\n${text}`);
    }
  }
  return out.join('\n\n');
}

import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const APPS_DIR = join(PACKAGE_DIR, 'test', 'apps');
export const PROMPT = 'Answer in up to 3 words: Which ocean contains Bouvet Island?';

export interface AppResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunAppOptions {
  /** Node flags, e.g. `['--import', '@llmtel/node/register']`. */
  flags: string[];
  /** `app.cjs` or `app.mjs` (in test/apps), or an absolute path. */
  app: string;
  /** Added to a minimal environment (no inherited OTEL_* variables). */
  env: Record<string, string>;
  /** Called with the child once it printed `line`. */
  onLine?: { line: string; then: (child: ChildProcess) => void };
  timeoutMs?: number;
}

/** Runs a test app in a child process and resolves when it exits; kills it and rejects after `timeoutMs`. */
export function runApp(options: RunAppOptions): Promise<AppResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...options.env };
  const app = options.app.startsWith('/') ? options.app : join(APPS_DIR, options.app);
  const child = spawn(process.execPath, [...options.flags, app], { cwd: PACKAGE_DIR, env });
  let stdout = '';
  let stderr = '';
  let fired = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (options.onLine && !fired && stdout.split('\n').includes(options.onLine.line)) {
      fired = true;
      options.onLine.then(child);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`app did not exit within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export const REQUIRE_REGISTER = ['--require', '@llmtel/node/register'];
export const IMPORT_REGISTER = ['--import', '@llmtel/node/register'];

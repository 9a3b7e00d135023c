import { type ProberLogger } from './types.js';

export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_PORT = 8080;
/** The same default as the usage exporter. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** `--config` flag ?? `LLMTEL_PROBER_CONFIG`; undefined when neither is set. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return flag || env.LLMTEL_PROBER_CONFIG || undefined;
}

/** `LLMTEL_PROBER_HOST` ?? 0.0.0.0 and `LLMTEL_PROBER_PORT` ?? 8080; a bad port warns and falls back. */
export function resolveListen(env: NodeJS.ProcessEnv, logger: ProberLogger): { host: string; port: number } {
  const host = env.LLMTEL_PROBER_HOST?.trim() || DEFAULT_HOST;
  const rawPort = env.LLMTEL_PROBER_PORT?.trim();
  let port = DEFAULT_PORT;
  if (rawPort) {
    const n = Number(rawPort);
    if (Number.isInteger(n) && n >= 0 && n <= 65535) port = n;
    else logger.warn(`LLMTEL_PROBER_PORT="${rawPort}" is not a port number; using ${DEFAULT_PORT}`);
  }
  return { host, port };
}

/** `LLMTEL_REDIS_URL` ?? redis://127.0.0.1:6379. */
export function resolveRedisUrl(env: NodeJS.ProcessEnv): string {
  return env.LLMTEL_REDIS_URL?.trim() || DEFAULT_REDIS_URL;
}

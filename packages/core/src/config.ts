import { diag } from '@opentelemetry/api';

/**
 * Small pure resolvers for configuration: `code ?? specific env ?? generic env ?? default`. A bad value passed in
 * code is a programming error and throws; a bad env value is an operator's typo: it warns once and falls back.
 */

type Env = Readonly<Record<string, string | undefined>>;

function firstSet(env: Env, names: readonly string[]): [string, string] | undefined {
  for (const name of names) {
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') return [name, raw.trim()];
  }
  return undefined;
}

export function resolveBoolean(
  code: boolean | undefined,
  envNames: readonly string[],
  fallback: boolean,
  env: Env = process.env,
): boolean {
  if (code !== undefined) {
    if (typeof code !== 'boolean') throw new TypeError(`expected a boolean, got ${typeof code}`);
    return code;
  }
  const found = firstSet(env, envNames);
  if (!found) return fallback;
  const [name, raw] = found;
  const lower = raw.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  diag.warn(`llmtel: ${name}=${JSON.stringify(raw)} is not true/false; using ${String(fallback)}`);
  return fallback;
}

export function resolvePositiveInteger(
  code: number | undefined,
  envNames: readonly string[],
  fallback: number,
  env: Env = process.env,
): number {
  if (code !== undefined) {
    if (!Number.isInteger(code) || code <= 0) throw new RangeError(`expected a positive integer, got ${String(code)}`);
    return code;
  }
  const found = firstSet(env, envNames);
  if (!found) return fallback;
  const [name, raw] = found;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  diag.warn(`llmtel: ${name}=${JSON.stringify(raw)} is not a positive integer; using ${fallback}`);
  return fallback;
}

/** `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`: the conventions' switch for prompt/completion capture. */
export const ENV_CAPTURE_MESSAGE_CONTENT = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

/** Content capture: code, then the GenAI env switch, else off. */
export function resolveCaptureMessageContent(code: boolean | undefined, env: Env = process.env): boolean {
  return resolveBoolean(code, [ENV_CAPTURE_MESSAGE_CONTENT], false, env);
}

import { parseDuration } from '../duration.js';
import { type MonitorConfig, type ProbeMethod, type ProberConfig } from '../types.js';
import { apiKeyEnvName } from '../utils.js';
import { type ConfigIssue } from './errors.js';
import { INCLUDE_PREFIX, isInclude } from './include.js';

export const DEFAULT_INTERVAL_MS = 60_000;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_SLOW_THRESHOLD_MS = 5_000;
export const DEFAULT_CONCURRENCY = 8;
const MAX_DEFAULT_JITTER_MS = 5_000;
const MIN_INTERVAL_MS = 10;

export const METHODS: readonly ProbeMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
export const API_KEY_PLACEHOLDER = '{{API_KEY}}';

const ROOT_KEYS = new Set(['interval', 'timeout', 'slow_threshold', 'concurrency', 'jitter', 'monitors']);
const MONITOR_KEYS = new Set([
  'provider',
  'service',
  'url',
  'method',
  'headers',
  'body',
  'api_key',
  'timeout',
  'slow_threshold',
]);
// Provider and service end up in Redis keys (inside a {hash tag}), metric attributes and env var names.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// RFC 9110 token.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** What validation needs from outside: the environment, and a reader for `!include` bodies. */
export interface ValidateContext {
  env: NodeJS.ProcessEnv;
  /** Returns the included text, or throws an Error saying why the include was refused. */
  include(spec: string): string;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Issues {
  readonly list: ConfigIssue[] = [];
  add(monitor: string | undefined, field: string, message: string): void {
    this.list.push(monitor === undefined ? { field, message } : { monitor, field, message });
  }
}

/**
 * Substitutes `${env:VAR}` and `${env:VAR:-default}` (the default applies when VAR is unset or empty, as in a shell).
 * Returns undefined, after recording an issue, when a variable without default is missing.
 */
function substituteEnv(text: string, env: NodeJS.ProcessEnv, onMissing: (name: string) => void): string | undefined {
  let missing = false;
  const out = text.replace(ENV_REF, (_all, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    missing = true;
    onMissing(name);
    return '';
  });
  return missing ? undefined : out;
}

function deepSubstituteEnv(value: unknown, env: NodeJS.ProcessEnv, onMissing: (name: string) => void): unknown {
  if (typeof value === 'string') return substituteEnv(value, env, onMissing) ?? '';
  if (Array.isArray(value)) return value.map((v) => deepSubstituteEnv(v, env, onMissing));
  if (isMap(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepSubstituteEnv(v, env, onMissing)]));
  }
  return value;
}

/** Reads an optional string field (numbers and booleans are accepted as their text), with env substitution. */
function stringField(
  raw: Record<string, unknown>,
  key: string,
  issues: Issues,
  monitor: string | undefined,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    issues.add(monitor, key, `must be a string, got ${Array.isArray(value) ? 'a list' : typeof value}`);
    return undefined;
  }
  return substituteEnv(String(value), env, (name) =>
    issues.add(monitor, key, `environment variable ${name} is not set and "\${env:${name}}" has no ":-default"`),
  );
}

function durationField(
  raw: Record<string, unknown>,
  key: string,
  issues: Issues,
  monitor: string | undefined,
  env: NodeJS.ProcessEnv,
  opts: { allowZero?: boolean; min?: number } = {},
): number | undefined {
  const text = stringField(raw, key, issues, monitor, env);
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) {
    issues.add(monitor, key, `"${text}" is not a duration; use a number with a unit: 500ms, 30s, 1m, 1h`);
    return undefined;
  }
  if (ms === 0 && !opts.allowZero) {
    issues.add(monitor, key, 'must be greater than 0');
    return undefined;
  }
  if (opts.min !== undefined && ms < opts.min) {
    issues.add(monitor, key, `must be at least ${opts.min}ms`);
    return undefined;
  }
  return ms;
}

function unknownKeys(
  raw: Record<string, unknown>,
  allowed: Set<string>,
  issues: Issues,
  monitor: string | undefined,
): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key)) issues.add(monitor, key, `unknown field (allowed: ${[...allowed].join(', ')})`);
  }
}

interface RootDefaults {
  timeoutMs: number;
  slowThresholdMs: number;
}

function validateMonitor(
  raw: unknown,
  index: number,
  defaults: RootDefaults,
  ctx: ValidateContext,
  issues: Issues,
): MonitorConfig | undefined {
  if (!isMap(raw)) {
    issues.add(`monitors[${index}]`, 'monitors', 'each monitor must be a mapping');
    return undefined;
  }
  const rawProvider = typeof raw.provider === 'string' ? raw.provider : undefined;
  const rawService = typeof raw.service === 'string' ? raw.service : undefined;
  const label =
    rawProvider !== undefined && rawService !== undefined
      ? `${rawProvider}/${rawService} (monitors[${index}])`
      : `monitors[${index}]`;
  const before = issues.list.length;
  const { env } = ctx;
  unknownKeys(raw, MONITOR_KEYS, issues, label);

  const names: Record<'provider' | 'service', string | undefined> = { provider: undefined, service: undefined };
  for (const key of ['provider', 'service'] as const) {
    const value = stringField(raw, key, issues, label, env);
    if (value === undefined || value === '') {
      if (raw[key] === undefined || value === '') issues.add(label, key, 'is required');
    } else if (!NAME.test(value)) {
      issues.add(
        label,
        key,
        `"${value}" must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
      );
    } else {
      names[key] = value;
    }
  }

  const envName = apiKeyEnvName(names.provider ?? rawProvider ?? '', names.service ?? rawService ?? '');
  const envKey = env[envName];
  const apiKey =
    envKey !== undefined && envKey !== '' ? envKey : stringField(raw, 'api_key', issues, label, env) || undefined;
  const placeholderUsers: string[] = [];
  const withKey = (text: string, field: string): string => {
    if (!text.includes(API_KEY_PLACEHOLDER)) return text;
    if (apiKey === undefined) {
      placeholderUsers.push(field);
      return text;
    }
    return text.split(API_KEY_PLACEHOLDER).join(apiKey);
  };

  let url: string | undefined;
  const urlText = stringField(raw, 'url', issues, label, env);
  if (urlText === undefined || urlText === '') {
    if (raw.url === undefined || urlText === '') issues.add(label, 'url', 'is required');
  } else {
    try {
      const parsed = new URL(withKey(urlText, 'url'));
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        issues.add(label, 'url', `must be an http or https URL, got "${parsed.protocol}"`);
      } else {
        url = parsed.toString();
      }
    } catch {
      // Never echo the URL: a {{API_KEY}} may already be substituted into it.
      issues.add(label, 'url', 'is not a valid absolute URL');
    }
  }

  let method: ProbeMethod = 'GET';
  const methodText = stringField(raw, 'method', issues, label, env);
  if (methodText !== undefined) {
    const upper = methodText.toUpperCase() as ProbeMethod;
    if (METHODS.includes(upper)) method = upper;
    else issues.add(label, 'method', `"${methodText}" is not one of ${METHODS.join(', ')}`);
  }

  const headers: Record<string, string> = {};
  if (raw.headers !== undefined && raw.headers !== null) {
    if (!isMap(raw.headers)) {
      issues.add(label, 'headers', 'must be a mapping of header name to value');
    } else {
      for (const name of Object.keys(raw.headers)) {
        const field = `headers.${name}`;
        if (!HEADER_NAME.test(name)) {
          issues.add(label, field, 'is not a valid header name');
          continue;
        }
        const value = stringField(raw.headers, name, issues, label, env);
        if (value === undefined) continue;
        // What Node accepts in a header value (RFC 9110 field-value, Latin-1): no line breaks or control characters.
        if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) {
          issues.add(label, field, 'must not contain line breaks, control characters or characters beyond Latin-1');
          continue;
        }
        headers[name] = withKey(value, 'headers');
      }
    }
  }

  let body: string | undefined;
  if (raw.body !== undefined && raw.body !== null) {
    if (typeof raw.body === 'string') {
      const text = substituteEnv(raw.body, env, (name) =>
        issues.add(label, 'body', `environment variable ${name} is not set and has no ":-default"`),
      );
      if (text !== undefined && isInclude(text)) {
        try {
          body = withKey(ctx.include(text), 'body');
        } catch (err) {
          issues.add(label, 'body', (err as Error).message);
        }
      } else if (text !== undefined) {
        body = withKey(text, 'body');
      }
    } else if (isMap(raw.body) || Array.isArray(raw.body)) {
      const value = deepSubstituteEnv(raw.body, env, (name) =>
        issues.add(label, 'body', `environment variable ${name} is not set and has no ":-default"`),
      );
      body = withKey(JSON.stringify(value), 'body');
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
    } else {
      issues.add(label, 'body', `must be a string, a mapping, or "${INCLUDE_PREFIX} data/<file>"`);
    }
    if (body !== undefined && method === 'GET') issues.add(label, 'body', 'a GET probe cannot send a body');
  }

  if (placeholderUsers.length > 0) {
    issues.add(
      label,
      'api_key',
      `${API_KEY_PLACEHOLDER} is used in ${[...new Set(placeholderUsers)].join(', ')} but no key is set (api_key or ${envName})`,
    );
  }

  const timeoutMs = durationField(raw, 'timeout', issues, label, env) ?? defaults.timeoutMs;
  const slowThresholdMs = durationField(raw, 'slow_threshold', issues, label, env) ?? defaults.slowThresholdMs;
  // The root pair is checked once at the root; here only when the monitor overrides one of them.
  if ((raw.timeout !== undefined || raw.slow_threshold !== undefined) && slowThresholdMs >= timeoutMs) {
    issues.add(label, 'slow_threshold', `must be less than the timeout (${timeoutMs}ms)`);
  }

  if (issues.list.length > before || url === undefined || !names.provider || !names.service) return undefined;
  return {
    provider: names.provider,
    service: names.service,
    url,
    method,
    headers,
    body,
    apiKey,
    timeoutMs,
    slowThresholdMs,
  };
}

/**
 * Validates a parsed config document and applies every default. Returns the config and the list of issues; the config
 * is only usable when the list is empty. Each issue names the monitor and the field.
 */
export function validateConfig(raw: unknown, ctx: ValidateContext): { config: ProberConfig; issues: ConfigIssue[] } {
  const issues = new Issues();
  const root = isMap(raw) ? raw : {};
  if (!isMap(raw)) issues.add(undefined, '(root)', 'the config must be a YAML mapping with a "monitors" list');
  unknownKeys(root, ROOT_KEYS, issues, undefined);
  const { env } = ctx;

  const intervalMs =
    durationField(root, 'interval', issues, undefined, env, { min: MIN_INTERVAL_MS }) ?? DEFAULT_INTERVAL_MS;
  const timeoutMs = durationField(root, 'timeout', issues, undefined, env) ?? DEFAULT_TIMEOUT_MS;
  const slowThresholdMs = durationField(root, 'slow_threshold', issues, undefined, env) ?? DEFAULT_SLOW_THRESHOLD_MS;
  if (slowThresholdMs >= timeoutMs) {
    issues.add(undefined, 'slow_threshold', `must be less than the timeout (${timeoutMs}ms)`);
  }
  const jitterMs =
    durationField(root, 'jitter', issues, undefined, env, { allowZero: true }) ??
    Math.min(Math.floor(intervalMs / 10), MAX_DEFAULT_JITTER_MS);
  if (jitterMs >= intervalMs) issues.add(undefined, 'jitter', `must be less than the interval (${intervalMs}ms)`);

  let concurrency = DEFAULT_CONCURRENCY;
  if (root.concurrency !== undefined) {
    const n = Number(stringField(root, 'concurrency', issues, undefined, env));
    if (Number.isInteger(n) && n >= 1 && n <= 1000) concurrency = n;
    else issues.add(undefined, 'concurrency', 'must be a whole number from 1 to 1000');
  }

  const monitors: MonitorConfig[] = [];
  if (!Array.isArray(root.monitors) || root.monitors.length === 0) {
    if (isMap(raw)) issues.add(undefined, 'monitors', 'is required: a list with at least one monitor');
  } else {
    const seen = new Map<string, number>();
    root.monitors.forEach((m, i) => {
      const monitor = validateMonitor(m, i, { timeoutMs, slowThresholdMs }, ctx, issues);
      if (monitor !== undefined) monitors.push(monitor);
      // Checked on the names as written, so a duplicate is reported even when the first one has other problems.
      // Case-insensitive: the two would share one MONITOR_<PROVIDER>_<SERVICE>_API_KEY variable.
      if (!isMap(m) || typeof m.provider !== 'string' || typeof m.service !== 'string') return;
      const id = `${m.provider}/${m.service}`.toLowerCase();
      const first = seen.get(id);
      if (first === undefined) {
        seen.set(id, i);
        return;
      }
      issues.add(
        `${m.provider}/${m.service} (monitors[${i}])`,
        'service',
        `provider + service must be unique; monitors[${first}] already uses them`,
      );
    });
  }

  return { config: { intervalMs, timeoutMs, slowThresholdMs, concurrency, jitterMs, monitors }, issues: issues.list };
}

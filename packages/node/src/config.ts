import { diag } from '@opentelemetry/api';
import type { ResolvedConfig } from './internal-types.js';
import type { ExporterName, LlmtelNodeOptions, LogLevelName, OtlpProtocol } from './types.js';

/**
 * Pure configuration resolvers: `code ?? specific env ?? generic env ?? default`. A bad value in code is a programming
 * error and throws; a bad environment value is an operator's typo, so it warns and falls back.
 * Env names and meanings: https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */

export type Env = Readonly<Record<string, string | undefined>>;

const PROTOCOLS: readonly OtlpProtocol[] = ['grpc', 'http/protobuf', 'http/json'];
const LOG_LEVELS: readonly LogLevelName[] = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'];

/** The collector's well-known OTLP ports (https://opentelemetry.io/docs/specs/otlp/#otlpgrpc-default-port). */
const OTLP_GRPC_PORT = '4317';
const OTLP_HTTP_PORT = '4318';

export const SAMPLER_NAMES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export interface SamplerSpec {
  name: SamplerName;
  /** Only used by the ratio samplers. */
  ratio: number;
}

/** The first non-blank value among `names`, trimmed, with the name it came from. */
export function envValue(env: Env, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') return { name, value: raw.trim() };
  }
  return undefined;
}

function warnEnv(name: string, value: string, expected: string, fallback: string): void {
  diag.warn(`llmtel: ${name}=${JSON.stringify(value)} is not ${expected}; using ${fallback}`);
}

/** `OTEL_SDK_DISABLED`: only `true` (any case) disables, per the spec; other non-`false` values warn. */
export function resolveDisabled(code: boolean | undefined, env: Env): boolean {
  if (code !== undefined) {
    if (typeof code !== 'boolean') throw new TypeError(`llmtel: disabled must be a boolean, got ${typeof code}`);
    return code;
  }
  const found = envValue(env, 'OTEL_SDK_DISABLED');
  if (!found) return false;
  const lower = found.value.toLowerCase();
  if (lower === 'true') return true;
  if (lower !== 'false') warnEnv(found.name, found.value, 'true or false', 'false');
  return false;
}

export function resolveLogLevel(code: LogLevelName | undefined, env: Env): LogLevelName {
  if (code !== undefined) {
    if (!LOG_LEVELS.includes(code)) throw new RangeError(`llmtel: logLevel must be one of ${LOG_LEVELS.join(', ')}`);
    return code;
  }
  const found = envValue(env, 'OTEL_LOG_LEVEL');
  if (!found) return 'warn';
  const lower = found.value.toLowerCase() as LogLevelName;
  if (LOG_LEVELS.includes(lower)) return lower;
  // Logged once the console logger is installed, at the default level.
  warnEnv(found.name, found.value, `one of ${LOG_LEVELS.join(', ')}`, 'warn');
  return 'warn';
}

/**
 * `OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER`: a comma-separated list of `otlp`, `console`, `none`. `none` alone
 * turns the signal off; unknown names (zipkin, prometheus, ...) are not bundled here and are skipped with a warning.
 */
export function resolveExporterNames(
  code: ExporterName | undefined,
  envName: 'OTEL_TRACES_EXPORTER' | 'OTEL_METRICS_EXPORTER',
  env: Env,
): Array<'otlp' | 'console'> {
  if (code !== undefined) {
    if (code === 'none') return [];
    if (code === 'otlp' || code === 'console') return [code];
    throw new RangeError(`llmtel: exporter must be 'otlp', 'console', 'none' or an exporter object`);
  }
  const found = envValue(env, envName);
  if (!found) return ['otlp'];
  const names = [...new Set(found.value.split(',').map((s) => s.trim().toLowerCase()))].filter((s) => s !== '');
  if (names.length === 1 && names[0] === 'none') return [];
  const valid: Array<'otlp' | 'console'> = [];
  for (const name of names) {
    if (name === 'otlp' || name === 'console') valid.push(name);
    else if (name === 'none') diag.warn(`llmtel: ${envName} lists "none" together with other exporters; ignoring it`);
    else diag.warn(`llmtel: ${envName} value "${name}" is not supported by @llmtel/node (otlp, console, none)`);
  }
  if (valid.length === 0) {
    warnEnv(found.name, found.value, 'a list of otlp, console or none', 'otlp');
    return ['otlp'];
  }
  return valid;
}

/** The endpoint a signal will use, from code or env; `undefined` means the exporter's default (localhost). */
export function resolveEndpoint(code: string | undefined, signal: 'TRACES' | 'METRICS', env: Env): string | undefined {
  if (code !== undefined) {
    if (typeof code !== 'string' || !URL.canParse(code)) throw new TypeError(`llmtel: invalid endpoint URL ${code}`);
    return code;
  }
  return envValue(env, `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`, 'OTEL_EXPORTER_OTLP_ENDPOINT')?.value;
}

function protocolForPort(endpoint: string | undefined): OtlpProtocol | undefined {
  if (endpoint === undefined || !URL.canParse(endpoint)) return undefined;
  const port = new URL(endpoint).port;
  if (port === OTLP_GRPC_PORT) return 'grpc';
  if (port === OTLP_HTTP_PORT) return 'http/protobuf';
  return undefined;
}

/**
 * The OTLP transport of one signal. Our defaults differ per signal (spans over gRPC, metrics over HTTP), which would
 * send one of them to the wrong port when a single `OTEL_EXPORTER_OTLP_ENDPOINT` names the collector's gRPC (4317) or
 * HTTP (4318) port; when no protocol is configured, such a well-known port decides.
 */
export function resolveProtocol(
  code: OtlpProtocol | undefined,
  signal: 'TRACES' | 'METRICS',
  endpoint: string | undefined,
  env: Env,
): OtlpProtocol {
  if (code !== undefined) {
    if (!PROTOCOLS.includes(code)) throw new RangeError(`llmtel: protocol must be one of ${PROTOCOLS.join(', ')}`);
    return code;
  }
  const fallback: OtlpProtocol = protocolForPort(endpoint) ?? (signal === 'TRACES' ? 'grpc' : 'http/protobuf');
  const found = envValue(env, `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (!found) return fallback;
  const lower = found.value.toLowerCase() as OtlpProtocol;
  if (PROTOCOLS.includes(lower)) return lower;
  warnEnv(found.name, found.value, `one of ${PROTOCOLS.join(', ')}`, fallback);
  return fallback;
}

/** `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`. */
export function resolveSamplerSpec(env: Env): SamplerSpec {
  const fallback: SamplerSpec = { name: 'parentbased_always_on', ratio: 1 };
  const found = envValue(env, 'OTEL_TRACES_SAMPLER');
  let name: SamplerName = fallback.name;
  if (found) {
    const lower = found.value.toLowerCase() as SamplerName;
    if (SAMPLER_NAMES.includes(lower)) name = lower;
    else warnEnv(found.name, found.value, `one of ${SAMPLER_NAMES.join(', ')}`, fallback.name);
  }
  if (name !== 'traceidratio' && name !== 'parentbased_traceidratio') return { name, ratio: 1 };
  const arg = envValue(env, 'OTEL_TRACES_SAMPLER_ARG');
  if (!arg) return { name, ratio: 1 };
  const ratio = Number(arg.value);
  if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) return { name, ratio };
  warnEnv(arg.name, arg.value, 'a number between 0 and 1', '1');
  return { name, ratio: 1 };
}

/** A positive integer of milliseconds from code, else from env (when it has an env variable). */
export function resolveMillis(
  code: number | undefined,
  envName: string | undefined,
  fallback: number,
  env: Env,
): number {
  if (code !== undefined) {
    if (!Number.isInteger(code) || code <= 0) {
      throw new RangeError(`llmtel: expected a positive integer of milliseconds, got ${String(code)}`);
    }
    return code;
  }
  const found = envName === undefined ? undefined : envValue(env, envName);
  if (!found) return fallback;
  const value = Number(found.value);
  if (Number.isInteger(value) && value > 0) return value;
  warnEnv(found.name, found.value, 'a positive integer', String(fallback));
  return fallback;
}

/** An optional positive integer from env only (batch span processor knobs); undefined leaves the SDK default. */
export function resolveOptionalPositive(envName: string, env: Env): number | undefined {
  const found = envValue(env, envName);
  if (!found) return undefined;
  const value = Number(found.value);
  if (Number.isInteger(value) && value > 0) return value;
  warnEnv(found.name, found.value, 'a positive integer', 'the default');
  return undefined;
}

/** The metric push interval and timeout; the timeout never exceeds the interval (as in the SDK). */
export function resolveMetricTiming(
  codeInterval: number | undefined,
  env: Env,
): { exportIntervalMillis: number; exportTimeoutMillis: number } {
  const exportIntervalMillis = resolveMillis(codeInterval, 'OTEL_METRIC_EXPORT_INTERVAL', 60_000, env);
  const timeout = resolveMillis(undefined, 'OTEL_METRIC_EXPORT_TIMEOUT', 30_000, env);
  return { exportIntervalMillis, exportTimeoutMillis: Math.min(timeout, exportIntervalMillis) };
}

/** `OTEL_PROPAGATORS`: only the W3C propagators ship with the SDK core; others are skipped with a warning. */
export function resolvePropagators(env: Env): Array<'tracecontext' | 'baggage'> {
  const found = envValue(env, 'OTEL_PROPAGATORS');
  if (!found) return ['tracecontext', 'baggage'];
  const names = [...new Set(found.value.split(',').map((s) => s.trim().toLowerCase()))].filter((s) => s !== '');
  if (names.includes('none')) return [];
  const valid: Array<'tracecontext' | 'baggage'> = [];
  for (const name of names) {
    if (name === 'tracecontext' || name === 'baggage') valid.push(name);
    else diag.warn(`llmtel: OTEL_PROPAGATORS value "${name}" is not supported by @llmtel/node (tracecontext, baggage)`);
  }
  return valid;
}

/**
 * Whether an instrumentation is enabled: code (`false` or a config object), then `OTEL_NODE_ENABLED_INSTRUMENTATIONS`
 * (an allow-list) and `OTEL_NODE_DISABLED_INSTRUMENTATIONS`, as @opentelemetry/auto-instrumentations-node reads them.
 */
export function resolveInstrumentationEnabled(name: string, code: unknown, env: Env): boolean {
  if (code !== undefined) {
    if (typeof code === 'boolean') return code;
    if (code !== null && typeof code === 'object') return true;
    throw new TypeError(`llmtel: instrumentations.${name} must be a boolean or a config object`);
  }
  const list = (envName: string): string[] | undefined =>
    envValue(env, envName)
      ?.value.split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== '');
  const enabled = list('OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  if (enabled && !enabled.includes(name)) return false;
  const disabled = list('OTEL_NODE_DISABLED_INSTRUMENTATIONS');
  return !disabled?.includes(name);
}

/** Env switch of the Vercel AI SDK v7 telemetry registration (`instrumentations['vercel-ai'].autoRegister`). */
export const ENV_VERCEL_AI_AUTO_REGISTER = 'LLMTEL_VERCEL_AI_AUTO_REGISTER';

/**
 * Whether `@llmtel/node` registers `@ai-sdk/otel`'s integration with AI SDK v7: code, then
 * `LLMTEL_VERCEL_AI_AUTO_REGISTER` (`true` / `false`, any case), else on.
 */
export function resolveVercelAiAutoRegister(code: unknown, env: Env): boolean {
  if (code !== undefined) {
    if (typeof code !== 'boolean') {
      throw new TypeError(`llmtel: instrumentations['vercel-ai'].autoRegister must be a boolean, got ${typeof code}`);
    }
    return code;
  }
  const found = envValue(env, ENV_VERCEL_AI_AUTO_REGISTER);
  if (!found) return true;
  const lower = found.value.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  warnEnv(found.name, found.value, 'true or false', 'true');
  return true;
}

/** Validates the options object and resolves every setting that does not need an SDK class. */
export function resolveConfig(options: LlmtelNodeOptions, env: Env): ResolvedConfig {
  if (options === null || typeof options !== 'object') throw new TypeError('llmtel: start() options must be an object');
  const tracesEndpoint = resolveEndpoint(options.tracesEndpoint, 'TRACES', env);
  const metricsEndpoint = resolveEndpoint(options.metricsEndpoint, 'METRICS', env);
  const traceExporter = options.traceExporter;
  const metricExporter = options.metricExporter;
  if (options.serviceName !== undefined && (typeof options.serviceName !== 'string' || options.serviceName === '')) {
    throw new TypeError('llmtel: serviceName must be a non-empty string');
  }
  if (options.handleProcessExit !== undefined && typeof options.handleProcessExit !== 'boolean') {
    throw new TypeError('llmtel: handleProcessExit must be a boolean');
  }
  return {
    disabled: resolveDisabled(options.disabled, env),
    serviceName: options.serviceName,
    resourceAttributes: options.resourceAttributes ?? {},
    traces: {
      exporters:
        traceExporter !== null && typeof traceExporter === 'object'
          ? [traceExporter]
          : resolveExporterNames(traceExporter, 'OTEL_TRACES_EXPORTER', env),
      protocol: resolveProtocol(options.tracesProtocol, 'TRACES', tracesEndpoint, env),
      endpoint: options.tracesEndpoint,
      sampler: options.sampler ?? resolveSamplerSpec(env),
      batch: {
        scheduledDelayMillis: resolveOptionalPositive('OTEL_BSP_SCHEDULE_DELAY', env),
        exportTimeoutMillis: resolveOptionalPositive('OTEL_BSP_EXPORT_TIMEOUT', env),
        maxQueueSize: resolveOptionalPositive('OTEL_BSP_MAX_QUEUE_SIZE', env),
        maxExportBatchSize: resolveOptionalPositive('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', env),
      },
      extraProcessors: options.spanProcessors ?? [],
    },
    metrics: {
      exporters:
        metricExporter !== null && typeof metricExporter === 'object'
          ? [metricExporter]
          : resolveExporterNames(metricExporter, 'OTEL_METRICS_EXPORTER', env),
      protocol: resolveProtocol(options.metricsProtocol, 'METRICS', metricsEndpoint, env),
      endpoint: options.metricsEndpoint,
      ...resolveMetricTiming(options.metricExportIntervalMillis, env),
      extraReaders: options.metricReaders ?? [],
    },
    propagators: resolvePropagators(env),
    handleProcessExit: options.handleProcessExit ?? true,
    exitFlushTimeoutMillis: resolveMillis(options.exitFlushTimeoutMillis, undefined, 5_000, env),
  };
}

import { diag, DiagConsoleLogger, DiagLogLevel, metrics, trace } from '@opentelemetry/api';
import { globalCallbackHandlers } from '@llmtel/core';
import { resolveConfig, resolveLogLevel, type Env } from './config.js';
import { bounded, installExitHooks } from './exit-hooks.js';
import { sdkSlot } from './slot.js';
import {
  esmIncludeList,
  loadInstrumentations,
  loadSpanProcessors,
  validateInstrumentationOptions,
  type StartedSpanProcessor,
} from './instrumentations.js';
import { buildSdk } from './sdk.js';
import type { LlmtelNodeHandle, LlmtelNodeOptions, LogLevelName } from './types.js';

const LOG_LEVELS: Record<LogLevelName, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

function installDiagLogger(level: LogLevelName): void {
  diag.setLogger(new DiagConsoleLogger(), { logLevel: LOG_LEVELS[level], suppressOverrideMessage: true });
}

function disabledHandle(): LlmtelNodeHandle {
  const handle: LlmtelNodeHandle = {
    enabled: false,
    instrumentations: [],
    forceFlush: async () => {},
    shutdown: async () => {
      const slot = sdkSlot();
      if (slot.handle === handle) {
        slot.handle = undefined;
        slot.esmInclude = undefined;
      }
    },
  };
  return handle;
}

/** Logs a start-up failure once per process, however many times `register` is loaded. */
export function reportStartFailure(err: unknown): void {
  const slot = sdkSlot();
  if (slot.failureLogged) return;
  slot.failureLogged = true;
  const message = err instanceof Error ? err.message : String(err);
  diag.error(`llmtel: could not start telemetry; the app runs uninstrumented: ${message}`);
}

/** Undoes what the span-based integrations set up outside the SDK (the AI SDK's telemetry registration). */
function stopIntegrations(started: StartedSpanProcessor[]): void {
  for (const { stop } of started.splice(0)) {
    try {
      stop?.();
    } catch (err) {
      diag.error('llmtel: could not stop an integration', err);
    }
  }
}

function startSdk(options: LlmtelNodeOptions, config: ReturnType<typeof resolveConfig>, env: Env): LlmtelNodeHandle {
  const integrations: StartedSpanProcessor[] = [];
  let sdk: ReturnType<typeof buildSdk>;
  try {
    sdk = buildSdk(config, env, (meterProvider) => {
      integrations.push(
        ...loadSpanProcessors(options.instrumentations, options.captureMessageContent, env, meterProvider),
      );
      return integrations.map((i) => i.processor);
    });
  } catch (err) {
    stopIntegrations(integrations);
    throw err;
  }
  const { tracerProvider, meterProvider } = sdk;
  let loaded: ReturnType<typeof loadInstrumentations>;
  try {
    loaded = loadInstrumentations(options.instrumentations, options.captureMessageContent, env);
    for (const { instrumentation } of loaded) {
      instrumentation.setTracerProvider(tracerProvider ?? trace.getTracerProvider());
      instrumentation.setMeterProvider(meterProvider ?? metrics.getMeterProvider());
      instrumentation.enable();
    }
  } catch (err) {
    stopIntegrations(integrations);
    sdk.unregister();
    void Promise.allSettled([tracerProvider?.shutdown(), meterProvider?.shutdown()]);
    throw err;
  }

  const forceFlush = async (): Promise<void> => {
    const results = await Promise.allSettled([
      globalCallbackHandlers().flush(),
      tracerProvider?.forceFlush(),
      meterProvider?.forceFlush(),
    ]);
    for (const r of results) if (r.status === 'rejected') diag.error('llmtel: telemetry flush failed', r.reason);
  };
  let shutdownPromise: Promise<void> | undefined;
  const shutdownProviders = (): Promise<void> =>
    // Callback handlers (the usage store's, say) get their queued events delivered too, bounded by their timeout.
    (shutdownPromise ??= Promise.allSettled([
      globalCallbackHandlers().flush(),
      tracerProvider?.shutdown(),
      meterProvider?.shutdown(),
    ]).then((results) => {
      for (const r of results) if (r.status === 'rejected') diag.error('llmtel: telemetry shutdown failed', r.reason);
    }));

  let removeExitHooks: (() => void) | undefined;
  const handle: LlmtelNodeHandle = {
    enabled: true,
    instrumentations: loaded.map((l) => l.name),
    forceFlush,
    async shutdown() {
      removeExitHooks?.();
      removeExitHooks = undefined;
      const slot = sdkSlot();
      if (slot.handle === handle) {
        slot.handle = undefined;
        slot.esmInclude = undefined;
        for (const { instrumentation } of loaded) instrumentation.disable();
        stopIntegrations(integrations);
        sdk.unregister();
      }
      await shutdownProviders();
    },
  };
  if (config.handleProcessExit) {
    removeExitHooks = installExitHooks(forceFlush, shutdownProviders, config.exitFlushTimeoutMillis);
  }
  sdkSlot().esmInclude = esmIncludeList(loaded);
  return handle;
}

/**
 * Starts OpenTelemetry with every installed llmtel instrumentation. Call it before the app loads the LLM SDKs
 * (or use `node --import @llmtel/node/register`). Starting again returns the running handle, also across the ESM
 * and CJS copies of this package.
 *
 * Invalid `options` throw. Anything else that goes wrong is logged once and leaves the app uninstrumented: the
 * returned handle then has `enabled: false`.
 */
export function start(options: LlmtelNodeOptions = {}): LlmtelNodeHandle {
  return startWithEnv(options, process.env);
}

/** {@link start} with an explicit environment (tests). */
export function startWithEnv(options: LlmtelNodeOptions, env: Env): LlmtelNodeHandle {
  const slot = sdkSlot();
  if (slot.handle) {
    if (Object.keys(options).length > 0) diag.warn('llmtel: telemetry is already started; new options are ignored');
    return slot.handle;
  }
  installDiagLogger('warn');
  installDiagLogger(resolveLogLevel(options.logLevel, env));
  const config = resolveConfig(options, env);
  validateInstrumentationOptions(options.instrumentations);
  if (config.disabled) {
    slot.handle = disabledHandle();
    return slot.handle;
  }
  try {
    slot.handle = startSdk(options, config, env);
  } catch (err) {
    reportStartFailure(err);
    slot.handle = disabledHandle();
  }
  return slot.handle;
}

/** Flushes and stops the telemetry started by {@link start} or `register`, bounded by `timeoutMillis`. */
export function shutdown(timeoutMillis = 5_000): Promise<void> {
  const handle = sdkSlot().handle;
  if (!handle) return Promise.resolve();
  return bounded(() => handle.shutdown(), timeoutMillis);
}

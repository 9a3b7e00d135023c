import { diag, trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { interceptNativeSpans, type NativeSpanMatcher, isObject } from '@llmtel/core';
import type { ResourceLike } from './internal-types.js';
import { NATIVE_SPAN_NAMES } from './operations.js';

/** The tracer name the SDK's own tracing (2.3 and later) starts its spans from. */
export const NATIVE_TRACER_NAME = 'mistralai_sdk_tracer';

const NAMES: ReadonlySet<string> = new Set(Object.values(NATIVE_SPAN_NAMES));
const matchesInstrumentedSpan: NativeSpanMatcher = (name) => NAMES.has(name);

const INSTALLED = Symbol.for('llmtel.mistral.nativeTracing');

/** The parts of the SDK's `TracingHook` read here (`hooks/tracing.ts` and `extra/observability/telemetry.ts`). */
interface TracingHookLike {
  _mistralTracingHook?: unknown;
  tracerProvider?: TracerProvider;
  _autoTelemetryProvider?: unknown;
  _telemetryUseGlobalProvider?: unknown;
  [INSTALLED]?: true;
}

/** One intercepting view per SDK tracer; weak, so a dropped provider's tracers are not kept alive. */
const intercepted = new WeakMap<Tracer, Tracer>();

/** A tracer provider whose SDK tracer hands the spans of instrumented requests to llmtel's claims. */
class InterceptingProvider implements TracerProvider {
  readonly target: () => TracerProvider;

  constructor(target: () => TracerProvider) {
    this.target = target;
  }

  getTracer(name: string, version?: string, options?: Parameters<TracerProvider['getTracer']>[2]): Tracer {
    const tracer = this.target().getTracer(name, version, options);
    if (name !== NATIVE_TRACER_NAME) return tracer;
    let view = intercepted.get(tracer);
    if (view === undefined) {
      view = interceptNativeSpans(tracer, matchesInstrumentedSpan);
      intercepted.set(tracer, view);
    }
    return view;
  }
}

const globalProvider = new InterceptingProvider(() => trace.getTracerProvider());

/**
 * Routes the spans `@mistralai/mistralai` 2.3+ starts itself for the requests llmtel instruments to llmtel's claims,
 * so that each request keeps one span (see `NativeSpanClaim`). The SDK's tracing is off unless the app turns it on;
 * its `TracingHook` (one per client, in the client's hooks) picks a tracer provider per request from its own
 * `tracerProvider` (set by `configureTelemetry(client, provider)` / `setTracerProvider`) or, in `global` mode
 * (`MISTRAL_SDK_TELEMETRY=global`, `configureTelemetry(client, 'global')`), the global one. The hook's
 * `tracerProvider` becomes an accessor that answers with an intercepting view of the same provider whenever the SDK
 * would trace with it, and `undefined` exactly when it was `undefined` before, so the SDK's decision to trace is never
 * changed. Left alone: the SDK-owned `dedicated` provider (it exports to Mistral, outside the app's pipeline) and
 * providers registered with `registerTracerProvider()` (module state this package cannot reach; each request then
 * keeps the SDK's span as a child of llmtel's). Idempotent per hook.
 */
export function interceptNativeTracing(resource: ResourceLike | undefined): void {
  const hooks = resource?._options?.hooks?.beforeRequestHooks;
  if (!Array.isArray(hooks)) return;
  const hook = hooks.find((h): h is TracingHookLike => isObject(h) && h._mistralTracingHook === true);
  if (hook === undefined || hook[INSTALLED] === true) return;
  try {
    let own: TracerProvider | undefined = hook.tracerProvider;
    let wrapped: InterceptingProvider | undefined;
    Object.defineProperty(hook, 'tracerProvider', {
      configurable: true,
      enumerable: true,
      get(this: TracingHookLike): TracerProvider | undefined {
        if (own !== undefined) {
          if (own === this._autoTelemetryProvider) return own;
          const current = own;
          if (wrapped === undefined || wrapped.target() !== current) wrapped = new InterceptingProvider(() => current);
          return wrapped;
        }
        return this._telemetryUseGlobalProvider === true ? globalProvider : undefined;
      },
      set(value: TracerProvider | undefined) {
        own = value instanceof InterceptingProvider ? value.target() : value;
      },
    });
    Object.defineProperty(hook, INSTALLED, { value: true });
  } catch (error) {
    diag.debug("llmtel mistral: could not reach the SDK's tracing hook; its spans stay its own", error);
  }
}

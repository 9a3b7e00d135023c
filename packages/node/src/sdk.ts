import { context, metrics, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
  type Resource,
} from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanLimits,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { resolveOptionalPositive, type Env, type SamplerSpec } from './config.js';
import { createMetricExporter, createSpanExporter } from './exporters.js';
import type { ResolvedConfig } from './internal-types.js';

/**
 * The OpenTelemetry Node SDK, assembled from its parts (@opentelemetry/sdk-trace, sdk-metrics, resources,
 * context-async-hooks) rather than through @opentelemetry/sdk-node, whose entry point eagerly loads every exporter
 * (zipkin, prometheus, logs, gRPC, ...): about three times our whole start-up budget.
 */

export function buildResource(config: ResolvedConfig): Resource {
  // The env detector goes last so OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME override detected values.
  let resource = defaultResource().merge(
    detectResources({ detectors: [hostDetector, osDetector, processDetector, serviceInstanceIdDetector, envDetector] }),
  );
  const code = { ...config.resourceAttributes };
  if (config.serviceName !== undefined) code[ATTR_SERVICE_NAME] = config.serviceName;
  if (Object.keys(code).length > 0) resource = resource.merge(resourceFromAttributes(code));
  return resource;
}

export function buildSampler(spec: Sampler | SamplerSpec): Sampler {
  if ('shouldSample' in spec) return spec;
  switch (spec.name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(spec.ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(spec.ratio) });
  }
}

/** `OTEL_SPAN_*_LIMIT` / `OTEL_ATTRIBUTE_*_LIMIT`: the tracer provider no longer reads them itself. */
export function spanLimitsFromEnv(env: Env): SpanLimits {
  const limits: SpanLimits = {};
  const set = (key: keyof SpanLimits, ...names: string[]): void => {
    for (const name of names) {
      const value = resolveOptionalPositive(name, env);
      if (value !== undefined) {
        limits[key] = value;
        return;
      }
    }
  };
  set('attributeValueLengthLimit', 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT');
  set('attributeCountLimit', 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT');
  set('eventCountLimit', 'OTEL_SPAN_EVENT_COUNT_LIMIT');
  set('linkCountLimit', 'OTEL_SPAN_LINK_COUNT_LIMIT');
  return limits;
}

export interface BuiltSdk {
  tracerProvider: TracerProvider | undefined;
  meterProvider: MeterProvider | undefined;
  /** Undoes the global registrations this build made (providers, context manager, propagator). */
  unregister(): void;
}

function buildPropagator(names: ResolvedConfig['propagators']): TextMapPropagator | undefined {
  const propagators: TextMapPropagator[] = names.map((name) =>
    name === 'tracecontext' ? new W3CTraceContextPropagator() : new W3CBaggagePropagator(),
  );
  if (propagators.length === 0) return undefined;
  return propagators.length === 1 ? propagators[0] : new CompositePropagator({ propagators });
}

/** Creates the providers and registers them, the context manager and the propagator with the OpenTelemetry API. */
export function buildSdk(
  config: ResolvedConfig,
  env: Env,
  integrations: (meterProvider: MeterProvider | undefined) => SpanProcessor[] = () => [],
): BuiltSdk {
  const resource = buildResource(config);
  const undo: Array<() => void> = [];
  const unregister = (): void => {
    for (const fn of undo.splice(0).reverse()) fn();
  };

  try {
    const contextManager = new AsyncLocalStorageContextManager().enable();
    if (context.setGlobalContextManager(contextManager)) undo.push(() => context.disable());
    const propagator = buildPropagator(config.propagators);
    if (propagator && propagation.setGlobalPropagator(propagator)) undo.push(() => propagation.disable());

    const { metrics: m } = config;
    const readers: MetricReader[] = [
      ...m.exporters.map(
        (e) =>
          new PeriodicExportingMetricReader({
            exporter: typeof e === 'string' ? createMetricExporter(e, m.protocol, m.endpoint, env) : e,
            exportIntervalMillis: m.exportIntervalMillis,
            exportTimeoutMillis: m.exportTimeoutMillis,
          }),
      ),
      ...m.extraReaders,
    ];
    let meterProvider: MeterProvider | undefined;
    if (readers.length > 0) {
      meterProvider = new MeterProvider({ resource, readers });
      if (metrics.setGlobalMeterProvider(meterProvider)) undo.push(() => metrics.disable());
    }

    const { traces: t } = config;
    // Integrations first: they complete spans (onEnding) that the exporting processors then send.
    const processors: SpanProcessor[] = [
      ...integrations(meterProvider),
      ...t.exporters.map((e) => {
        const exporter = typeof e === 'string' ? createSpanExporter(e, t.protocol, t.endpoint) : e;
        return e === 'console'
          ? new SimpleSpanProcessor({ exporter })
          : new BatchSpanProcessor({ exporter, ...t.batch });
      }),
      ...t.extraProcessors,
    ];
    let tracerProvider: TracerProvider | undefined;
    if (processors.length > 0) {
      tracerProvider = new TracerProvider({
        resource,
        sampler: buildSampler(t.sampler),
        spanLimits: spanLimitsFromEnv(env),
        spanProcessors: processors,
      });
      if (trace.setGlobalTracerProvider(tracerProvider)) undo.push(() => trace.disable());
    }
    return { tracerProvider, meterProvider, unregister };
  } catch (err) {
    unregister();
    throw err;
  }
}

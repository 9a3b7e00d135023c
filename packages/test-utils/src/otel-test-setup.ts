import { setTimeout as sleep } from 'node:timers/promises';
import { context, createContextKey, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';

/** How often and how long the span waits poll: 2000 × 10 ms, so a missing span fails a test after ~20 s. */
const POLLS = 2000;
const POLL_MS = 10;

/** A metric reader the test collects from on demand (cumulative: every collection sees all data so far). */
export class TestMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Counts started and ended spans, so a test can wait until every started span has ended, and see double ends. */
export class SpanCounter implements SpanProcessor {
  started = 0;
  ended = 0;
  onStart(): void {
    this.started++;
  }
  onEnd(): void {
    this.ended++;
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const PROBE = createContextKey('llmtel test context probe');

/**
 * Installs an AsyncLocalStorage context manager unless one works already. It probes instead of remembering, so a
 * test that disabled the global context (`context.disable()`) gets a fresh one from its next setup.
 */
export function ensureContextManager(): void {
  const works = context.with(ROOT_CONTEXT.setValue(PROBE, true), () => context.active().getValue(PROBE) === true);
  if (!works) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

/** What an instrumentation offers to be put on given providers (OpenTelemetry JS instrumentations all do). */
export interface InstrumentationLike {
  setTracerProvider(provider: TracerProvider): void;
  setMeterProvider(provider: MeterProvider): void;
  enable(): void;
}

export interface TestOtelOptions {
  /**
   * Registers the tracer provider as the global one, for code that traces through the global API (SDKs with their
   * own tracing, the AI SDK). Default false: the instrumentation under test is given the providers.
   */
  global?: boolean;
  /** Registers the W3C trace-context propagator globally, for tests that check `traceparent` headers. */
  propagator?: boolean;
  /** Span processors that see each span before the counter and the exporter (a processor under test). */
  spanProcessors?: (meterProvider: MeterProvider) => SpanProcessor[];
}

/** Real OTel SDKs with in-memory export: what an instrumentation test records into and reads from. */
export interface TestOtel {
  exporter: InMemorySpanExporter;
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  reader: TestMetricReader;
  counter: SpanCounter;
  /** Puts an instrumentation (created with `enabled: false`) on these providers, then enables it. */
  enable<T extends InstrumentationLike>(instrumentation: T): T;
  /** Finished spans so far (since the last `forget`), of every scope. */
  spans(): ReadableSpan[];
  /** Waits until `count` spans have ended and returns them. Bounded: fails after ~20 s. */
  waitForSpans(count: number): Promise<ReadableSpan[]>;
  /**
   * Waits until every started span has ended and at least `count` have (bounded: ~20 s), then one more short turn of
   * the event loop, so that a span that would (wrongly) end twice or late shows up too; returns the finished spans.
   */
  settle(count?: number): Promise<ReadableSpan[]>;
  /** Forgets the finished spans now. */
  forget(): void;
  /** Settles, then forgets the finished spans (metrics are cumulative: tests filter data points or compare deltas). */
  reset(): Promise<void>;
  /** Everything the meter provider recorded so far. */
  collect(): Promise<ResourceMetrics>;
  /** Every metric recorded so far, by name (of `scope` only, when given; else the last scope's wins). */
  metrics(scope?: string): Promise<Map<string, MetricData>>;
  /** Every metric recorded so far, by name, one entry per instrumentation scope that recorded it. */
  metricsAcrossScopes(): Promise<Map<string, MetricData[]>>;
  shutdown(): Promise<void>;
}

/**
 * Sets up a tracer provider (span counter, then a simple processor into an in-memory exporter) and a meter provider
 * with an on-demand cumulative reader, after making sure an AsyncLocalStorage context manager is installed.
 */
export function createTestOtel(options: TestOtelOptions = {}): TestOtel {
  ensureContextManager();
  if (options.propagator === true) propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const exporter = new InMemorySpanExporter();
  const counter = new SpanCounter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [
      ...(options.spanProcessors?.(meterProvider) ?? []),
      counter,
      new SimpleSpanProcessor({ exporter }),
    ],
  });
  if (options.global === true) trace.setGlobalTracerProvider(tracerProvider);
  let forgotten = 0;

  const otel: TestOtel = {
    exporter,
    tracerProvider,
    meterProvider,
    reader,
    counter,
    enable(instrumentation) {
      instrumentation.setTracerProvider(tracerProvider);
      instrumentation.setMeterProvider(meterProvider);
      instrumentation.enable();
      return instrumentation;
    },
    spans: () => exporter.getFinishedSpans(),
    async waitForSpans(count) {
      for (let i = 0; i < POLLS; i++) {
        const spans = exporter.getFinishedSpans();
        if (spans.length >= count) return spans;
        await sleep(POLL_MS);
      }
      throw new Error(`expected ${count} finished spans, got ${exporter.getFinishedSpans().length}`);
    },
    async settle(count = 0) {
      for (let i = 0; i < POLLS; i++) {
        const spans = exporter.getFinishedSpans();
        if (spans.length + forgotten >= counter.started && spans.length >= count) {
          await sleep(5);
          return exporter.getFinishedSpans();
        }
        await sleep(POLL_MS);
      }
      throw new Error(
        `expected ${count} finished spans, got ${exporter.getFinishedSpans().length} (started ${counter.started - forgotten})`,
      );
    },
    forget() {
      forgotten += exporter.getFinishedSpans().length;
      exporter.reset();
    },
    async reset() {
      await otel.settle();
      otel.forget();
    },
    async collect() {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics;
    },
    async metrics(scopeName) {
      const byName = new Map<string, MetricData>();
      for (const scope of (await otel.collect()).scopeMetrics) {
        if (scopeName !== undefined && scope.scope.name !== scopeName) continue;
        for (const m of scope.metrics) byName.set(m.descriptor.name, m);
      }
      return byName;
    },
    async metricsAcrossScopes() {
      const byName = new Map<string, MetricData[]>();
      for (const scope of (await otel.collect()).scopeMetrics) {
        for (const m of scope.metrics) byName.set(m.descriptor.name, [...(byName.get(m.descriptor.name) ?? []), m]);
      }
      return byName;
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
  return otel;
}

/** What a test harness reads from its `TestOtel`, for tests that count spans rather than settle them. */
export interface SpanReads {
  /** Finished spans so far, of every scope. */
  spans(): ReadableSpan[];
  /** Waits until `count` spans have ended (an estimated span ends after the tokenizer loads); bounded (~20 s). */
  waitForSpans(count: number): Promise<ReadableSpan[]>;
  /** Every metric recorded so far, by name. */
  metrics(): Promise<Map<string, MetricData>>;
  /** Forgets finished spans (metrics are cumulative: compare deltas or use distinct models). */
  reset(): void;
}

export function spanReads(otel: TestOtel): SpanReads {
  return { spans: otel.spans, waitForSpans: otel.waitForSpans, metrics: () => otel.metrics(), reset: otel.forget };
}

/**
 * One instrumentation instance and one `TestOtel` for the whole test process, for instrumentations whose require hook
 * patches a module only when it is first loaded: an instance created after the SDK was loaded would never see it.
 * Each call forgets the finished spans, reconfigures the instance (disabled), then enables it on the `TestOtel`.
 */
export function reusedInstrumentation<
  C extends { enabled?: boolean },
  T extends InstrumentationLike & { setConfig(config: C): void },
>(create: () => T, options: TestOtelOptions = {}): (config: C) => { instrumentation: T; otel: TestOtel } {
  let reused: { instrumentation: T; otel: TestOtel } | undefined;
  return (config) => {
    reused ??= { otel: createTestOtel(options), instrumentation: create() };
    reused.otel.forget();
    reused.instrumentation.setConfig({ ...config, enabled: false });
    reused.otel.enable(reused.instrumentation);
    return reused;
  };
}

/** Data points of a metric (or of one metric across scopes) whose attributes include all of `attrs`. */
export function pointsWhere<T = Histogram>(
  metric: MetricData | readonly MetricData[] | undefined,
  attrs: Record<string, unknown>,
): DataPoint<T>[] {
  const metrics: readonly MetricData[] = metric === undefined ? [] : Array.isArray(metric) ? metric : [metric];
  return metrics.flatMap((m) =>
    (m.dataPoints as DataPoint<T>[]).filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v)),
  );
}

/** Data points of one metric by name, across scopes. */
export function dataPoints(rm: ResourceMetrics, name: string): DataPoint<unknown>[] {
  return rm.scopeMetrics.flatMap((s) =>
    s.metrics.filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints as DataPoint<unknown>[]),
  );
}

/** Consumes an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** The spans of one instrumentation scope. */
export function spansOfScope(spans: readonly ReadableSpan[], scope: string): ReadableSpan[] {
  return spans.filter((s) => s.instrumentationScope.name === scope);
}

/** Span names with their scopes, for failure messages. */
export function spanNames(spans: readonly ReadableSpan[]): string {
  return spans.map((s) => `${s.name} [${s.instrumentationScope.name}]`).join(', ');
}

/** The one span named `name` (of `scope`, when given), failing when there is not exactly one. */
export function oneSpan(spans: readonly ReadableSpan[], name: string, scope?: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name && (scope === undefined || s.instrumentationScope.name === scope));
  if (found.length !== 1) {
    throw new Error(`expected one span ${name} (${scope ?? 'any scope'}), got ${found.length}: ${spanNames(spans)}`);
  }
  return found[0]!;
}

/** The child names the parent as its parent span, in the same trace. */
export function isChildOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return (
    child.parentSpanContext?.spanId === parent.spanContext().spanId &&
    child.spanContext().traceId === parent.spanContext().traceId
  );
}

/** The spans that own their call's usage (`llmtel.usage.billable`). */
export function billableSpans(spans: readonly ReadableSpan[]): ReadableSpan[] {
  return spans.filter((s) => s.attributes['llmtel.usage.billable'] === true);
}

/** The one finished span of a call, failing when there is not exactly one. */
export function onlySpan(spans: readonly ReadableSpan[]): ReadableSpan {
  if (spans.length !== 1) {
    throw new Error(`expected exactly one span, got ${spans.length}: ${spans.map((s) => s.name).join(', ')}`);
  }
  return spans[0]!;
}

/** The `gen_ai.usage.*` number attributes actually on a span. */
export function usageAttributesOf(span: ReadableSpan): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (key.startsWith('gen_ai.usage.') && typeof value === 'number') out[key] = value;
  }
  return out;
}

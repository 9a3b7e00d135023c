import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { startFakeProvider, type FakeProvider } from '@llmtel/test-utils';
import { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from '@llmtel/instrumentation-openai';
import type OpenAIType from 'openai';

export type OpenAIClass = typeof OpenAIType;
export type OpenAIClient = InstanceType<OpenAIClass>;

/** A metric reader the test collects from on demand (cumulative, so every call sees all data so far). */
class TestMetricReader extends MetricReader {
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

/** Where each tested `openai` major lives (v7 is this package's devDependency). */
export const OPENAI_DIRS = {
  7: import.meta.url,
  6: new URL('../../../bench/', import.meta.url).href,
  5: new URL('./compat/openai5/', import.meta.url).href,
} as const;

export interface Harness {
  instrumentation: OpenAIInstrumentation;
  exporter: InMemorySpanExporter;
  /** The `openai` module, required after the instrumentation was enabled. */
  OpenAI: OpenAIClass;
  fake: FakeProvider;
  client(options?: Record<string, unknown>): OpenAIClient;
  /** Finished spans so far. */
  spans(): ReadableSpan[];
  /**
   * Waits until `count` spans have ended (a span whose usage is estimated ends after the tokenizer loads) and
   * returns them. Bounded: fails after ~20 s.
   */
  waitForSpans(count: number): Promise<ReadableSpan[]>;
  /** Every metric recorded so far, by name. */
  metrics(): Promise<Map<string, MetricData>>;
  /** Forgets finished spans (metrics are cumulative; compare deltas or use distinct models). */
  reset(): void;
  close(): Promise<void>;
}

let contextManagerSet = false;

/**
 * Sets up tracing and metrics SDKs in memory, enables the instrumentation, then loads `openai` (so that the
 * require hook patches it) and starts a loopback fake provider.
 */
export async function setup(
  config: OpenAIInstrumentationConfig = {},
  version: keyof typeof OPENAI_DIRS = 7,
): Promise<Harness> {
  if (!contextManagerSet) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerSet = true;
  }
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });

  const instrumentation = new OpenAIInstrumentation({ ...config, enabled: false });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.enable();

  const OpenAI = loadOpenAI(version);
  const fake = await startFakeProvider();

  return {
    instrumentation,
    exporter,
    OpenAI,
    fake,
    client: (options = {}) => new OpenAI({ apiKey: 'test-key', baseURL: `${fake.url}/v1`, maxRetries: 0, ...options }),
    spans: () => exporter.getFinishedSpans(),
    async waitForSpans(count) {
      for (let i = 0; i < 2000; i++) {
        const spans = exporter.getFinishedSpans();
        if (spans.length >= count) return spans;
        await sleep(10);
      }
      throw new Error(`expected ${count} finished spans, got ${exporter.getFinishedSpans().length}`);
    },
    async metrics() {
      const { resourceMetrics } = await reader.collect();
      const byName = new Map<string, MetricData>();
      for (const scope of resourceMetrics.scopeMetrics) for (const m of scope.metrics) byName.set(m.descriptor.name, m);
      return byName;
    },
    reset: () => exporter.reset(),
    async close() {
      await fake.close();
      instrumentation.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

export function loadOpenAI(version: keyof typeof OPENAI_DIRS): OpenAIClass {
  const mod = createRequire(OPENAI_DIRS[version])('openai') as { OpenAI: OpenAIClass; default?: OpenAIClass };
  return mod.OpenAI;
}

/** Data points of a metric whose attributes include all of `attrs`. */
export function pointsWhere<T>(metric: MetricData | undefined, attrs: Record<string, unknown>): DataPoint<T>[] {
  if (metric === undefined) return [];
  return (metric.dataPoints as DataPoint<T>[]).filter((p) =>
    Object.entries(attrs).every(([k, v]) => p.attributes[k] === v),
  );
}

export type HistogramPoint = DataPoint<Histogram>;

/** Consumes an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { startFakeProvider, type FakeProvider, type Fixture } from '@llmtel/test-utils';
import { CohereInstrumentation, type CohereInstrumentationConfig } from '@llmtel/instrumentation-cohere';
import type { CohereClientV2 as CohereClientV2Type } from 'cohere-ai';

export type CohereClass = typeof CohereClientV2Type;
export type CohereClient = InstanceType<CohereClass>;

export const LLMTEL_SCOPE = '@llmtel/instrumentation-cohere';

/**
 * Where each tested `cohere-ai` release lives: the current one is this package's devDependency; the oldest supported
 * one is installed in test/compat/<dir> (`npm ci --prefix packages/instrumentation-cohere/test/compat/<dir>`).
 */
export const SDK_DIRS = {
  current: import.meta.url,
  '7.14': new URL('./compat/cohere-7.14/', import.meta.url).href,
} as const;
export type SdkVersion = keyof typeof SDK_DIRS;

/** A fixture of this package: `test/fixtures/<name>.json` (synthetic, built from the Cohere API reference). */
export function cohereFixture(name: string): Fixture {
  const fixture = JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Fixture;
  fixture.name = name;
  return fixture;
}

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

interface ProcessOtel {
  exporter: InMemorySpanExporter;
  tracerProvider: TracerProvider;
  reader: TestMetricReader;
  meterProvider: MeterProvider;
}

let processOtel: ProcessOtel | undefined;
let instance: CohereInstrumentation | undefined;

/** One set of SDKs per test process, registered globally, as an app would. */
function otel(): ProcessOtel {
  if (processOtel !== undefined) return processOtel;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(tracerProvider);
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  processOtel = { exporter, tracerProvider, reader, meterProvider };
  return processOtel;
}

export interface Harness {
  instrumentation: CohereInstrumentation;
  /** The `CohereClientV2` class, loaded after the instrumentation was enabled. */
  CohereClientV2: CohereClass;
  fake: FakeProvider;
  client(options?: Record<string, unknown>): CohereClient;
  /** Finished spans so far, of every scope. */
  spans(): ReadableSpan[];
  /** Waits until `count` spans have ended (an estimated span ends after the tokenizer loads); bounded (~20 s). */
  waitForSpans(count: number): Promise<ReadableSpan[]>;
  /** Every metric recorded so far, by name. */
  metrics(): Promise<Map<string, MetricData>>;
  /** Forgets finished spans (metrics are cumulative: compare deltas or use distinct models). */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Enables the instrumentation, then loads `cohere-ai` through `require` (so that the require hook patches its v2
 * client file) and starts a loopback fake provider. One harness at a time per process: `close()` disables the
 * instrumentation again.
 */
export async function setup(
  config: CohereInstrumentationConfig = {},
  version: SdkVersion = 'current',
  fakeOptions: Parameters<typeof startFakeProvider>[0] = {},
): Promise<Harness> {
  const { exporter, tracerProvider, reader, meterProvider } = otel();
  exporter.reset();
  // One instance per process: the require hook patches a module when it is first loaded, so an instance created
  // after the SDK was loaded would never see it. Later harnesses reconfigure and re-enable the same instance.
  instance ??= new CohereInstrumentation({ enabled: false });
  const instrumentation = instance;
  instrumentation.setConfig({ ...config, enabled: false });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.enable();

  const CohereClientV2 = loadCohere(version);
  const fake = await startFakeProvider(fakeOptions);

  return {
    instrumentation,
    CohereClientV2,
    fake,
    client: (options = {}) => new CohereClientV2({ token: 'test-key', environment: fake.url, ...options }),
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
    },
  };
}

export function loadCohere(version: SdkVersion): CohereClass {
  return (createRequire(SDK_DIRS[version])('cohere-ai') as { CohereClientV2: CohereClass }).CohereClientV2;
}

/** The version of the `cohere-ai` copy a test runs against. */
export function sdkVersionOf(version: SdkVersion): string {
  // The package's exports map hides package.json; it sits beside the main entry point.
  const main = createRequire(SDK_DIRS[version]).resolve('cohere-ai');
  return (JSON.parse(readFileSync(join(dirname(main), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Request options that make the SDK fail fast instead of retrying (both 7.x and 8.x honour them). */
export const NO_RETRIES = { maxRetries: 0 } as const;

/** Data points of a metric whose attributes include all of `attrs`. */
export function pointsWhere<T>(metric: MetricData | undefined, attrs: Record<string, unknown>): DataPoint<T>[] {
  if (metric === undefined) return [];
  return (metric.dataPoints as DataPoint<T>[]).filter((p) =>
    Object.entries(attrs).every(([k, v]) => p.attributes[k] === v),
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

/** Lets pending promise reactions run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

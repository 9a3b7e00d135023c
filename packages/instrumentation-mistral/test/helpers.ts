import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
import { MistralInstrumentation, type MistralInstrumentationConfig } from '@llmtel/instrumentation-mistral';
import type { Mistral as MistralType } from '@mistralai/mistralai';

export type MistralClass = typeof MistralType;
export type MistralClient = InstanceType<MistralClass>;

export const LLMTEL_SCOPE = '@llmtel/instrumentation-mistral';
/** The tracer name of the SDK's own spans (2.3 and later, when the app turns them on). */
export const NATIVE_SCOPE = 'mistralai_sdk_tracer';

/**
 * Where each tested `@mistralai/mistralai` release lives: the current one is this package's devDependency; the
 * oldest supported line is installed in test/compat/<dir> (`npm ci --prefix packages/instrumentation-mistral/test/compat/<dir>`).
 */
export const SDK_DIRS = {
  current: import.meta.url,
  '1.x': new URL('./compat/mistral-1/', import.meta.url).href,
} as const;
export type SdkVersion = keyof typeof SDK_DIRS;

/** A fixture of this package: `test/fixtures/<name>.json` (synthetic, built from the Mistral AI API reference). */
export function mistralFixture(name: string): Fixture {
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
let instance: MistralInstrumentation | undefined;

/**
 * One set of SDKs per test process, registered globally: the SDK's own tracing (when a test turns it on in `global`
 * mode) starts its spans from the global tracer provider, so the same exporter sees llmtel's spans and the SDK's.
 */
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
  instrumentation: MistralInstrumentation;
  /** The `Mistral` client class, loaded after the instrumentation was enabled. */
  Mistral: MistralClass;
  fake: FakeProvider;
  client(options?: Record<string, unknown>): MistralClient;
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
 * Enables the instrumentation, then loads `@mistralai/mistralai` through `require` (so that the require hook patches
 * it; 2.x is an ES module, which Node 22.12+ loads through `require` too) and starts a loopback fake provider. One
 * harness at a time per process: `close()` disables the instrumentation again.
 */
export async function setup(
  config: MistralInstrumentationConfig = {},
  version: SdkVersion = 'current',
  fakeOptions: Parameters<typeof startFakeProvider>[0] = {},
): Promise<Harness> {
  const { exporter, tracerProvider, reader, meterProvider } = otel();
  exporter.reset();
  // One instance per process: the require hook patches a module when it is first loaded, so an instance created
  // after the SDK was loaded would never see it. Later harnesses reconfigure and re-enable the same instance.
  instance ??= new MistralInstrumentation({ enabled: false });
  const instrumentation = instance;
  instrumentation.setConfig({ ...config, enabled: false });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.enable();

  const Mistral = loadMistral(version);
  const fake = await startFakeProvider(fakeOptions);

  return {
    instrumentation,
    Mistral,
    fake,
    client: (options = {}) =>
      new Mistral({ apiKey: 'test-key', serverURL: fake.url, retryConfig: { strategy: 'none' }, ...options }),
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

export function loadMistral(version: SdkVersion): MistralClass {
  return (createRequire(SDK_DIRS[version])('@mistralai/mistralai') as { Mistral: MistralClass }).Mistral;
}

/** The version of the `@mistralai/mistralai` copy a test runs against. */
export function sdkVersionOf(version: SdkVersion): string {
  const req = createRequire(SDK_DIRS[version]);
  const main = req.resolve('@mistralai/mistralai');
  const root = main.slice(
    0,
    main.lastIndexOf('/node_modules/@mistralai/mistralai/') + '/node_modules/@mistralai/mistralai/'.length,
  );
  return (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version;
}

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

/** Lets the instrumentation settle a call (a claim waits at most one `setImmediate` for the SDK's own span). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

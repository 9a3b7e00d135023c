import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { loadFixture, startFakeProvider, type FakeProvider, type Fixture } from '@llmtel/test-utils';
import { AnthropicInstrumentation, type AnthropicInstrumentationConfig } from '@llmtel/instrumentation-anthropic';
import type AnthropicType from '@anthropic-ai/sdk';

export type AnthropicClass = typeof AnthropicType;
export type AnthropicClient = InstanceType<AnthropicClass>;

/** The instrumentation's own instrumentation scope, and the one the SDK's own spans (0.134+) use. */
export const LLMTEL_SCOPE = '@llmtel/instrumentation-anthropic';
export const NATIVE_SCOPE = 'com.anthropic.sdk.typescript';

/**
 * Where each tested `@anthropic-ai/sdk` release lives: the current one is this package's devDependency; the others
 * are installed in test/compat/<dir> (`npm ci --prefix packages/instrumentation-anthropic/test/compat/<dir>`).
 * 0.50 is the oldest supported release, 0.134 the first that traces itself.
 */
export const SDK_DIRS = {
  current: import.meta.url,
  '0.134': new URL('./compat/sdk-0.134/', import.meta.url).href,
  '0.50': new URL('./compat/sdk-0.50/', import.meta.url).href,
} as const;
export type SdkVersion = keyof typeof SDK_DIRS;

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
let instance: AnthropicInstrumentation | undefined;

/**
 * One set of SDKs per test process, registered globally: `@anthropic-ai/sdk` 0.134+ starts its own spans from the
 * global tracer provider, so the same exporter sees llmtel's spans and the SDK's, and a duplicate cannot hide.
 */
function otel(): ProcessOtel {
  if (processOtel !== undefined) return processOtel;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(tracerProvider);
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  processOtel = { exporter, tracerProvider, reader, meterProvider };
  return processOtel;
}

export interface Harness {
  instrumentation: AnthropicInstrumentation;
  /** The `@anthropic-ai/sdk` client class, required after the instrumentation was enabled. */
  Anthropic: AnthropicClass;
  fake: FakeProvider;
  client(options?: Record<string, unknown>): AnthropicClient;
  /** Finished spans so far, of every scope. */
  spans(): ReadableSpan[];
  /**
   * Waits until `count` spans have ended (a span whose usage is estimated ends after the tokenizer loads, a merged
   * one a tick after the SDK let go of it) and returns them. Bounded: fails after ~20 s.
   */
  waitForSpans(count: number): Promise<ReadableSpan[]>;
  /** Every metric recorded so far, by name. */
  metrics(): Promise<Map<string, MetricData>>;
  /** Forgets finished spans (metrics are cumulative: compare deltas or use distinct models). */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Enables the instrumentation, then loads `@anthropic-ai/sdk` (so that the require hook patches it) and starts a
 * loopback fake provider. One harness at a time per process: `close()` disables the instrumentation again.
 */
export async function setup(
  config: AnthropicInstrumentationConfig = {},
  version: SdkVersion = 'current',
): Promise<Harness> {
  const { exporter, tracerProvider, reader, meterProvider } = otel();
  exporter.reset();
  // One instance per process: the require hook patches a module when it is first loaded, so an instance created
  // after the SDK was loaded would never see it. Later harnesses reconfigure and re-enable the same instance.
  instance ??= new AnthropicInstrumentation({ enabled: false });
  const instrumentation = instance;
  instrumentation.setConfig({ ...config, enabled: false });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.enable();

  const Anthropic = loadAnthropic(version);
  const fake = await startFakeProvider();

  return {
    instrumentation,
    Anthropic,
    fake,
    client: (options = {}) => new Anthropic({ apiKey: 'test-key', baseURL: fake.url, maxRetries: 0, ...options }),
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

export function loadAnthropic(version: SdkVersion): AnthropicClass {
  const mod = createRequire(SDK_DIRS[version])('@anthropic-ai/sdk') as { Anthropic: AnthropicClass };
  return mod.Anthropic;
}

/** The version of the `@anthropic-ai/sdk` copy a test runs against. */
export function sdkVersionOf(version: SdkVersion): string {
  return (createRequire(SDK_DIRS[version])('@anthropic-ai/sdk/version') as { VERSION: string }).VERSION;
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

/**
 * The request body to send for a fixture. Some recordings kept only the response; for those a body that asks for the
 * same model (and stream mode) is made up, which the fake provider does not check.
 */
export function requestBodyOf(fixture: Fixture): Record<string, unknown> {
  if (fixture.request.body !== null && typeof fixture.request.body === 'object') {
    return structuredClone(fixture.request.body as Record<string, unknown>);
  }
  const response = fixture.response.body as { model?: string } | undefined;
  const sse = fixture.response.sse;
  const model = response?.model ?? /"model":"([^"]+)"/.exec(sse ?? '')?.[1] ?? 'claude-sonnet-4-6';
  const body: Record<string, unknown> = {
    model,
    max_tokens: 2048,
    thinking: { type: 'enabled', budget_tokens: 1024 },
    messages: [{ role: 'user', content: 'What is 27 * 453?' }],
  };
  if (fixture.name?.includes('tool-use') === true) {
    body.messages = [{ role: 'user', content: 'What is the weather in San Francisco?' }];
    body.tools = [
      {
        name: 'get_weather',
        description: 'Get the weather for a location',
        input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
      },
    ];
  }
  if (fixture.stream) body.stream = true;
  return body;
}

/** `loadFixture('anthropic', name)`. */
export function anthropicFixture(name: string): Fixture {
  return loadFixture('anthropic', name);
}

/** The spans of one instrumentation scope. */
export function spansOfScope(spans: readonly ReadableSpan[], scope: string): ReadableSpan[] {
  return spans.filter((s) => s.instrumentationScope.name === scope);
}

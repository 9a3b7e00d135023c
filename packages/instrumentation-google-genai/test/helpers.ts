import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, type Tracer } from '@opentelemetry/api';
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
import {
  GoogleGenAIInstrumentation,
  type GoogleGenAIInstrumentationConfig,
} from '@llmtel/instrumentation-google-genai';
import type * as GenAI from '@google/genai';

export type GenAIModule = typeof GenAI;
export type Client = InstanceType<GenAIModule['GoogleGenAI']>;

/** Where each tested `@google/genai` major lives: v3 is this package's devDependency, v1 the supported lower bound. */
export const SDK_DIRS = {
  3: import.meta.url,
  1: new URL('./compat/genai1/', import.meta.url).href,
} as const;
export type SdkMajor = keyof typeof SDK_DIRS;

/** Fixtures this package built from the providers' API references (the shared folder has no Gemini API recordings). */
const LOCAL_FIXTURES = new URL('./fixtures/', import.meta.url);

export function loadLocalFixture(provider: 'gcp.gemini' | 'gcp.vertex_ai', name: string): Fixture {
  const fixture = JSON.parse(readFileSync(new URL(`${provider}/${name}.json`, LOCAL_FIXTURES), 'utf8')) as Fixture;
  fixture.name = name;
  return fixture;
}

export function localFixtureNames(provider: 'gcp.gemini' | 'gcp.vertex_ai'): string[] {
  return readdirSync(new URL(`${provider}/`, LOCAL_FIXTURES))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
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

export interface Harness {
  instrumentation: GoogleGenAIInstrumentation;
  /** The `@google/genai` module, required after the instrumentation was enabled. */
  sdk: GenAIModule;
  fake: FakeProvider;
  /** A tracer of the same provider, for the app's own spans. */
  tracer: Tracer;
  /** A Vertex AI client (project `test-project`, location `test-location`, as in the recordings) on the fake. */
  vertex(options?: Record<string, unknown>): Client;
  /** A Gemini API client (API version v1beta) on the fake. */
  gemini(options?: Record<string, unknown>): Client;
  spans(): ReadableSpan[];
  /** Waits until `count` spans have ended and returns them. Bounded: fails after ~20 s. */
  waitForSpans(count: number): Promise<ReadableSpan[]>;
  /** Every metric recorded so far, by name. */
  metrics(): Promise<Map<string, MetricData>>;
  /** Forgets finished spans (metrics are cumulative). */
  reset(): void;
  close(): Promise<void>;
}

let contextManagerSet = false;

/**
 * Google auth that never leaves the process: a stand-in for the `AuthClient` that `googleAuthOptions.authClient`
 * accepts. google-auth-library v9 (SDK v1) hands back a plain header object, v10 (SDK v2+) a `Headers`.
 */
function offlineAuthClient(major: SdkMajor) {
  const headers =
    major >= 2 ? new Headers({ authorization: 'Bearer test-token' }) : { authorization: 'Bearer test-token' };
  return { getRequestHeaders: () => Promise.resolve(headers) };
}

/**
 * Sets up in-memory tracing and metrics SDKs, enables the instrumentation, then loads `@google/genai` (so that the
 * require hook patches it) and starts a loopback fake provider.
 */
export async function setup(config: GoogleGenAIInstrumentationConfig = {}, major: SdkMajor = 3): Promise<Harness> {
  if (!contextManagerSet) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerSet = true;
  }
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });

  const instrumentation = new GoogleGenAIInstrumentation({ ...config, enabled: false });
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.enable();

  const sdk = loadSdk(major);
  const fake = await startFakeProvider();

  return {
    instrumentation,
    sdk,
    fake,
    tracer: tracerProvider.getTracer('test-app'),
    vertex: (options = {}) =>
      new sdk.GoogleGenAI({
        vertexai: true,
        project: 'test-project',
        location: 'test-location',
        apiVersion: 'v1beta1',
        httpOptions: { baseUrl: fake.url },
        googleAuthOptions: { authClient: offlineAuthClient(major) } as never,
        ...options,
      }),
    // v1beta, the version the API reference documents (v3's default is v1; v1's is v1beta).
    gemini: (options = {}) =>
      new sdk.GoogleGenAI({ apiKey: 'test-key', apiVersion: 'v1beta', httpOptions: { baseUrl: fake.url }, ...options }),
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

export function loadSdk(major: SdkMajor): GenAIModule {
  try {
    return createRequire(SDK_DIRS[major])('@google/genai') as GenAIModule;
  } catch (err) {
    if (major === 1) {
      throw new Error(
        'the @google/genai v1 compat copy is not installed: run `npm ci --prefix ' +
          'packages/instrumentation-google-genai/test/compat/genai1`',
        { cause: err },
      );
    }
    throw err;
  }
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

/**
 * The token attributes a span must carry for a recorded Gemini / Vertex AI usage, under the conventions' rules:
 * input = prompt (which includes cached content), output = candidates + thoughts.
 */
export function expectedUsageAttributes(usage: Fixture['usage']): Record<string, number | undefined> {
  if (usage === null) return {};
  const out: Record<string, number | undefined> = {
    'gen_ai.usage.input_tokens': usage.input_tokens ?? undefined,
    'gen_ai.usage.output_tokens':
      usage.output_tokens === null && usage.reasoning_tokens == null
        ? undefined
        : (usage.output_tokens ?? 0) + (usage.reasoning_tokens ?? 0),
    'gen_ai.usage.cache_read.input_tokens': usage.cache_read_input_tokens ?? undefined,
    'gen_ai.usage.reasoning.output_tokens': usage.reasoning_tokens ?? undefined,
  };
  return out;
}

/** The request contents of a recorded exchange, as the app would pass them to the SDK. */
export function requestOf(fixture: Fixture): { contents: GenAI.ContentListUnion } {
  return { contents: (fixture.request.body as { contents: GenAI.ContentListUnion }).contents };
}

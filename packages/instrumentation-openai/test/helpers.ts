import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InMemorySpanExporter, ReadableSpan, TracerProvider } from '@opentelemetry/sdk-trace';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { createTestOtel, startFakeProvider, type FakeProvider, type Fixture } from '@llmtel/test-utils';
import { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from '@llmtel/instrumentation-openai';
import type OpenAIType from 'openai';

export { collect, onlySpan as only, pointsWhere, usageAttributesOf } from '@llmtel/test-utils';

export type OpenAIClass = typeof OpenAIType;
export type OpenAIClient = InstanceType<OpenAIClass>;

/** Where each tested `openai` major lives: v7 is this package's devDependency, v6 the benchmark's, v5 test/compat. */
export const OPENAI_DIRS = {
  7: import.meta.url,
  6: new URL('../../../bench/package.json', import.meta.url).href,
  5: new URL('./compat/openai5/package.json', import.meta.url).href,
} as const;
export type OpenAIMajor = keyof typeof OPENAI_DIRS;

export interface Harness {
  instrumentation: OpenAIInstrumentation;
  exporter: InMemorySpanExporter;
  /** The tracer provider the instrumentation uses (for parent spans in tests). */
  tracerProvider: TracerProvider;
  /** The `openai` client class, required after the instrumentation was enabled. */
  OpenAI: OpenAIClass;
  fake: FakeProvider;
  /** A client of the fake provider (no retries); `OpenAI` picks the SDK major. */
  client(options?: Record<string, unknown>, OpenAI?: OpenAIClass): OpenAIClient;
  /**
   * Waits until every started span has ended and at least `count` have (bounded: ~20 s), then returns the
   * finished spans.
   */
  settle(count?: number): Promise<ReadableSpan[]>;
  /** Every metric recorded so far, by name. */
  metrics(): Promise<Map<string, MetricData>>;
  /** Forgets finished spans (metrics are cumulative: tests filter data points by model). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Sets up tracing and metrics SDKs in memory, enables the instrumentation, then loads `openai` (so that the
 * require hook patches it) and starts a loopback fake provider.
 */
export async function setup(config: OpenAIInstrumentationConfig = {}, version: OpenAIMajor = 7): Promise<Harness> {
  const otel = createTestOtel();
  const { exporter, tracerProvider } = otel;

  const instrumentation = otel.enable(new OpenAIInstrumentation({ ...config, enabled: false }));

  const OpenAI = loadOpenAI(version);
  const fake = await startFakeProvider();

  return {
    instrumentation,
    exporter,
    tracerProvider,
    OpenAI,
    fake,
    client: (options = {}, Client = OpenAI) =>
      new Client({ apiKey: 'test-key', baseURL: `${fake.url}/v1`, maxRetries: 0, ...options }),
    settle: otel.settle,
    metrics: () => otel.metrics(),
    reset: otel.reset,
    async close() {
      await fake.close();
      instrumentation.disable();
      await otel.shutdown();
    },
  };
}

/** `require('openai')` of one major, from where it is installed. */
export function loadOpenAI(version: OpenAIMajor): OpenAIClass {
  const mod = createRequire(OPENAI_DIRS[version])('openai') as { OpenAI: OpenAIClass };
  return mod.OpenAI;
}

/** The `VERSION` of the installed SDK of one major. */
export function openAIVersion(version: OpenAIMajor): string {
  return (createRequire(OPENAI_DIRS[version])('openai/version') as { VERSION: string }).VERSION;
}

/** What the app got from one call, as comparable JSON (errors by class, status, code and message). */
export interface AppView {
  kind: 'value' | 'stream' | 'error';
  json: string;
}

export function errorView(error: unknown): string {
  const e = error as {
    constructor: { name: string };
    status?: unknown;
    code?: unknown;
    message?: unknown;
    error?: unknown;
  };
  return JSON.stringify({
    class: e.constructor.name,
    status: e.status,
    code: e.code,
    message: e.message,
    error: e.error,
  });
}

/**
 * Sends a fixture's recorded request through the SDK method it was made with, consuming a stream fully, and
 * returns what the app received.
 */
export async function replay(client: OpenAIClient, fixture: Fixture): Promise<AppView> {
  const body = fixture.request.body as never;
  try {
    const result = await send(client, fixture.operation, body);
    if (fixture.stream && isAsyncIterable(result)) {
      const chunks: unknown[] = [];
      for await (const chunk of result) chunks.push(chunk);
      return { kind: 'stream', json: JSON.stringify(chunks) };
    }
    return { kind: 'value', json: JSON.stringify(result) };
  } catch (error) {
    return { kind: 'error', json: errorView(error) };
  }
}

function send(client: OpenAIClient, operation: string, body: never): Promise<unknown> {
  switch (operation) {
    case 'chat':
      return client.chat.completions.create(body);
    case 'responses':
      return client.responses.create(body);
    case 'embeddings':
      return client.embeddings.create(body);
    case 'text_completion':
      return client.completions.create(body);
    default:
      throw new Error(`no SDK method for fixture operation ${operation}`);
  }
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';
}

/** The value as an async iterable (an SDK `Stream`), failing when it is not one. */
export function asStream(value: unknown): AsyncIterable<unknown> & { controller: AbortController } {
  if (!isAsyncIterable(value)) throw new Error(`expected a stream, got ${typeof value}`);
  return value as AsyncIterable<unknown> & { controller: AbortController };
}

/** Fixture `usage` numbers as the span attributes they must equal (absent when the fixture has null). */
export function expectedUsageAttributes(usage: Fixture['usage']): Record<string, number> {
  const out: Record<string, number> = {};
  if (usage === null) return out;
  const put = (key: string, value: number | null | undefined) => {
    if (typeof value === 'number') out[key] = value;
  };
  put('gen_ai.usage.input_tokens', usage.input_tokens);
  put('gen_ai.usage.output_tokens', usage.output_tokens);
  put('gen_ai.usage.cache_read.input_tokens', usage.cache_read_input_tokens);
  put('gen_ai.usage.cache_creation.input_tokens', usage.cache_creation_input_tokens);
  put('gen_ai.usage.reasoning.output_tokens', usage.reasoning_tokens);
  return out;
}

export { sleep };

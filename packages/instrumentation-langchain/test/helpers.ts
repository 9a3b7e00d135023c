import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type SpanProcessor,
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
import { OpenAIInstrumentation } from '@llmtel/instrumentation-openai';
import { LangChainInstrumentation, type LangChainInstrumentationConfig } from '@llmtel/instrumentation-langchain';

export const LANGCHAIN_SCOPE = '@llmtel/instrumentation-langchain';
export const OPENAI_SCOPE = '@llmtel/instrumentation-openai';

/** A metric reader the test collects from on demand (cumulative: every collection sees all data so far). */
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

/** Counts started spans, so a test can wait until every started span has ended (usage estimation is async). */
class StartCounter implements SpanProcessor {
  started = 0;
  onStart(): void {
    this.started++;
  }
  onEnd(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The LangChain and openai modules, required (CommonJS) after the instrumentations were enabled. */
export interface Modules {
  ChatOpenAI: any;
  OpenAI: any;
  ChatPromptTemplate: any;
  RunnableLambda: any;
  BaseChatModel: any;
  AIMessage: any;
  StructuredTool: any;
  tool: any;
  createAgent: any;
}

export interface Harness {
  langchain: LangChainInstrumentation;
  openai: OpenAIInstrumentation | undefined;
  tracerProvider: TracerProvider;
  m: Modules;
  fake: FakeProvider;
  /** Options for `new ChatOpenAI(...)` against the fake provider. */
  chatOpenAI(model: string, options?: Record<string, unknown>): Record<string, unknown>;
  /** Waits until every started span has ended and at least `count` have (bounded: ~20 s). */
  settle(count?: number): Promise<ReadableSpan[]>;
  metrics(): Promise<Map<string, MetricData[]>>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

let contextManagerSet = false;

/**
 * Tracing and metrics SDKs in memory, the LangChain instrumentation and (unless `instrumentOpenAI` is false) the
 * openai one, both enabled before LangChain and the openai SDK are required, and a loopback fake provider.
 */
export async function setup(
  config: LangChainInstrumentationConfig = {},
  { instrumentOpenAI = true }: { instrumentOpenAI?: boolean } = {},
): Promise<Harness> {
  if (!contextManagerSet) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerSet = true;
  }
  const exporter = new InMemorySpanExporter();
  const counter = new StartCounter();
  const tracerProvider = new TracerProvider({ spanProcessors: [counter, new SimpleSpanProcessor({ exporter })] });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });

  let openai: OpenAIInstrumentation | undefined;
  if (instrumentOpenAI) {
    openai = new OpenAIInstrumentation({ enabled: false });
    openai.setTracerProvider(tracerProvider);
    openai.setMeterProvider(meterProvider);
    openai.enable();
  }
  const langchain = new LangChainInstrumentation({ ...config, enabled: false });
  langchain.setTracerProvider(tracerProvider);
  langchain.setMeterProvider(meterProvider);
  langchain.enable();

  const require = createRequire(import.meta.url);
  const m: Modules = {
    ChatOpenAI: require('@langchain/openai').ChatOpenAI,
    OpenAI: require('openai').OpenAI,
    ChatPromptTemplate: require('@langchain/core/prompts').ChatPromptTemplate,
    RunnableLambda: require('@langchain/core/runnables').RunnableLambda,
    BaseChatModel: require('@langchain/core/language_models/chat_models').BaseChatModel,
    AIMessage: require('@langchain/core/messages').AIMessage,
    StructuredTool: require('@langchain/core/tools').StructuredTool,
    tool: require('@langchain/core/tools').tool,
    createAgent: require('langchain').createAgent,
  };
  const fake = await startFakeProvider();
  let ended = 0;

  const harness: Harness = {
    langchain,
    openai,
    tracerProvider,
    m,
    fake,
    chatOpenAI: (model, options = {}) => ({
      model,
      apiKey: 'test-key',
      configuration: { baseURL: `${fake.url}/v1` },
      maxRetries: 0,
      ...options,
    }),
    async settle(count = 0) {
      for (let i = 0; i < 2000; i++) {
        const spans = exporter.getFinishedSpans();
        if (spans.length + ended >= counter.started && spans.length >= count) {
          // One more turn of the event loop, so a span that would (wrongly) end late shows up too.
          await sleep(5);
          return exporter.getFinishedSpans();
        }
        await sleep(10);
      }
      throw new Error(
        `expected ${count} finished spans, got ${exporter.getFinishedSpans().length} (started ${counter.started - ended})`,
      );
    },
    async metrics() {
      const { resourceMetrics } = await reader.collect();
      const byName = new Map<string, MetricData[]>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          const list = byName.get(metric.descriptor.name) ?? [];
          list.push(metric);
          byName.set(metric.descriptor.name, list);
        }
      }
      return byName;
    },
    async reset() {
      await harness.settle();
      ended += exporter.getFinishedSpans().length;
      exporter.reset();
    },
    async close() {
      await fake.close();
      langchain.disable();
      openai?.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
  return harness;
}

/** Data points of a metric, across every instrumentation scope, whose attributes include all of `attrs`. */
export function pointsWhere<T = Histogram>(
  metrics: MetricData[] | undefined,
  attrs: Record<string, unknown>,
): DataPoint<T>[] {
  return (metrics ?? []).flatMap((metric) =>
    (metric.dataPoints as DataPoint<T>[]).filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v)),
  );
}

/** Token usage recorded for a request model: how many input and output data were recorded, and their sums. */
export async function tokenTotals(h: Harness, model: string) {
  const metrics = await h.metrics();
  const of = (type: string) => {
    const points = pointsWhere(metrics.get('gen_ai.client.token.usage'), {
      'gen_ai.request.model': model,
      'gen_ai.token.type': type,
    });
    return {
      count: points.reduce((n, p) => n + p.value.count, 0),
      sum: points.reduce((n, p) => n + (p.value.sum ?? 0), 0),
    };
  };
  const cost = pointsWhere<number>(metrics.get('llmtel.client.cost_usd'), { 'gen_ai.request.model': model });
  return { input: of('input'), output: of('output'), costPoints: cost.length };
}

export function byName(spans: readonly ReadableSpan[], name: string, scope?: string): ReadableSpan[] {
  return spans.filter((s) => s.name === name && (scope === undefined || s.instrumentationScope.name === scope));
}

export function one(spans: readonly ReadableSpan[], name: string, scope?: string): ReadableSpan {
  const found = byName(spans, name, scope);
  if (found.length !== 1) {
    throw new Error(`expected one span ${name} (${scope ?? 'any scope'}), got ${found.length}: ${names(spans)}`);
  }
  return found[0]!;
}

export function names(spans: readonly ReadableSpan[]): string {
  return spans.map((s) => `${s.name} [${s.instrumentationScope.name}]`).join(', ');
}

export function parentOf(spans: readonly ReadableSpan[], span: ReadableSpan): ReadableSpan | undefined {
  const id = span.parentSpanContext?.spanId;
  return spans.find((s) => s.spanContext().spanId === id);
}

export function isChildOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return (
    child.parentSpanContext?.spanId === parent.spanContext().spanId &&
    child.spanContext().traceId === parent.spanContext().traceId
  );
}

export const billable = (spans: readonly ReadableSpan[]) =>
  spans.filter((s) => s.attributes['llmtel.usage.billable'] === true);

/**
 * LangChain as installed in test/compat/<dir> (`npm ci --prefix packages/instrumentation-langchain/test/compat/<dir>`),
 * required after the instrumentations were enabled, as an app would.
 */
export function loadCompat(dir: string) {
  const require = createRequire(new URL(`./compat/${dir}/package.json`, import.meta.url));
  return {
    coreVersion: (require('@langchain/core/package.json') as { version: string }).version,
    openaiVersion: (require('openai/version') as { VERSION: string }).VERSION,
    ChatOpenAI: require('@langchain/openai').ChatOpenAI,
    ChatPromptTemplate: require('@langchain/core/prompts').ChatPromptTemplate,
    tool: require('@langchain/core/tools').tool,
  };
}

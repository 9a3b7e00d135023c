import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, trace } from '@opentelemetry/api';
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
import { AiSdkSpanProcessor } from '@llmtel/instrumentation-vercel-ai';

export const PROCESSOR_SCOPE = '@llmtel/instrumentation-vercel-ai';
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

/** Counts started spans, so a test can wait until every started span has ended. */
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

export interface Harness {
  tracerProvider: TracerProvider;
  fake: FakeProvider;
  /** The `openai` SDK class, required after its instrumentation was enabled. */
  OpenAI: new (options: Record<string, unknown>) => unknown;
  settle(count?: number): Promise<ReadableSpan[]>;
  metrics(): Promise<Map<string, MetricData[]>>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A tracer provider with the AI SDK span processor, registered globally (the AI SDK and `@ai-sdk/otel` trace through
 * the global API), the openai instrumentation on the same providers, and a loopback fake provider.
 */
export async function setup(): Promise<Harness> {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const exporter = new InMemorySpanExporter();
  const counter = new StartCounter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new AiSdkSpanProcessor({ meterProvider }), counter, new SimpleSpanProcessor({ exporter })],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  const openai = new OpenAIInstrumentation({ enabled: false });
  openai.setTracerProvider(tracerProvider);
  openai.setMeterProvider(meterProvider);
  openai.enable();
  const OpenAI = (createRequire(import.meta.url)('openai') as { OpenAI: Harness['OpenAI'] }).OpenAI;
  const fake = await startFakeProvider();
  let ended = 0;

  const harness: Harness = {
    tracerProvider,
    fake,
    OpenAI,
    async settle(count = 0) {
      for (let i = 0; i < 2000; i++) {
        const spans = exporter.getFinishedSpans();
        if (spans.length + ended >= counter.started && spans.length >= count) {
          await sleep(5);
          return exporter.getFinishedSpans();
        }
        await sleep(10);
      }
      throw new Error(`expected ${count} finished spans, got ${exporter.getFinishedSpans().length}`);
    },
    async metrics() {
      const { resourceMetrics } = await reader.collect();
      const byName = new Map<string, MetricData[]>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          byName.set(metric.descriptor.name, [...(byName.get(metric.descriptor.name) ?? []), metric]);
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
      openai.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      context.disable();
    },
  };
  return harness;
}

export function pointsWhere<T = Histogram>(
  metrics: MetricData[] | undefined,
  attrs: Record<string, unknown>,
): DataPoint<T>[] {
  return (metrics ?? []).flatMap((metric) =>
    (metric.dataPoints as DataPoint<T>[]).filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v)),
  );
}

/** Token usage recorded for a request model, across every scope: how many data were recorded, and their sums. */
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
  const duration = pointsWhere(metrics.get('gen_ai.client.operation.duration'), { 'gen_ai.request.model': model });
  return {
    input: of('input'),
    output: of('output'),
    costPoints: cost.length,
    durations: duration.reduce((n, p) => n + p.value.count, 0),
  };
}

export function one(spans: readonly ReadableSpan[], name: string, scope?: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name && (scope === undefined || s.instrumentationScope.name === scope));
  if (found.length !== 1) {
    const all = spans.map((s) => `${s.name} [${s.instrumentationScope.name}]`).join(', ');
    throw new Error(`expected one span ${name}, got ${found.length}: ${all}`);
  }
  return found[0]!;
}

export function isChildOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return child.parentSpanContext?.spanId === parent.spanContext().spanId;
}

export const billable = (spans: readonly ReadableSpan[]) =>
  spans.filter((s) => s.attributes['llmtel.usage.billable'] === true);

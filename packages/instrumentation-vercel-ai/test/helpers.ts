import { createRequire } from 'node:module';
import { context, trace } from '@opentelemetry/api';
import type { ReadableSpan, TracerProvider } from '@opentelemetry/sdk-trace';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { createTestOtel, pointsWhere, startFakeProvider, type FakeProvider } from '@llmtel/test-utils';
import { OpenAIInstrumentation } from '@llmtel/instrumentation-openai';
import { AiSdkSpanProcessor } from '@llmtel/instrumentation-vercel-ai';

export { billableSpans as billable, isChildOf, oneSpan as one } from '@llmtel/test-utils';

export const PROCESSOR_SCOPE = '@llmtel/instrumentation-vercel-ai';
export const OPENAI_SCOPE = '@llmtel/instrumentation-openai';

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
  const otel = createTestOtel({
    global: true,
    spanProcessors: (meterProvider) => [new AiSdkSpanProcessor({ meterProvider })],
  });
  const openai = otel.enable(new OpenAIInstrumentation({ enabled: false }));
  const OpenAI = (createRequire(import.meta.url)('openai') as { OpenAI: Harness['OpenAI'] }).OpenAI;
  const fake = await startFakeProvider();

  return {
    tracerProvider: otel.tracerProvider,
    fake,
    OpenAI,
    settle: otel.settle,
    metrics: otel.metricsAcrossScopes,
    reset: otel.reset,
    async close() {
      await fake.close();
      openai.disable();
      await otel.shutdown();
      trace.disable();
      context.disable();
    },
  };
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
  const firstChunk = pointsWhere(metrics.get('gen_ai.client.operation.time_to_first_chunk'), {
    'gen_ai.request.model': model,
  });
  return {
    input: of('input'),
    output: of('output'),
    costPoints: cost.length,
    durations: duration.reduce((n, p) => n + p.value.count, 0),
    /** `gen_ai.client.operation.time_to_first_chunk`: how many were recorded, and their sum in seconds. */
    firstChunks: {
      count: firstChunk.reduce((n, p) => n + p.value.count, 0),
      sum: firstChunk.reduce((n, p) => n + (p.value.sum ?? 0), 0),
    },
  };
}

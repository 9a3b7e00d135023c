import { createRequire } from 'node:module';
import type { ReadableSpan, TracerProvider } from '@opentelemetry/sdk-trace';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { createTestOtel, pointsWhere, startFakeProvider, type FakeProvider } from '@llmtel/test-utils';
import { OpenAIInstrumentation } from '@llmtel/instrumentation-openai';
import { LangChainInstrumentation, type LangChainInstrumentationConfig } from '@llmtel/instrumentation-langchain';

export { billableSpans as billable, isChildOf, oneSpan as one, pointsWhere } from '@llmtel/test-utils';

export const LANGCHAIN_SCOPE = '@llmtel/instrumentation-langchain';
export const OPENAI_SCOPE = '@llmtel/instrumentation-openai';

/** The LangChain and openai modules, required (CommonJS) after the instrumentations were enabled. */
export interface Modules {
  ChatOpenAI: any;
  OpenAI: any;
  ChatPromptTemplate: any;
  RunnableLambda: any;
  BaseChatModel: any;
  BaseLLM: any;
  InMemoryCache: any;
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

/**
 * Tracing and metrics SDKs in memory, the LangChain instrumentation and (unless `instrumentOpenAI` is false) the
 * openai one, both enabled before LangChain and the openai SDK are required, and a loopback fake provider.
 */
export async function setup(
  config: LangChainInstrumentationConfig = {},
  { instrumentOpenAI = true }: { instrumentOpenAI?: boolean } = {},
): Promise<Harness> {
  const otel = createTestOtel();

  const openai = instrumentOpenAI ? otel.enable(new OpenAIInstrumentation({ enabled: false })) : undefined;
  const langchain = otel.enable(new LangChainInstrumentation({ ...config, enabled: false }));

  const require = createRequire(import.meta.url);
  const m: Modules = {
    ChatOpenAI: require('@langchain/openai').ChatOpenAI,
    OpenAI: require('openai').OpenAI,
    ChatPromptTemplate: require('@langchain/core/prompts').ChatPromptTemplate,
    RunnableLambda: require('@langchain/core/runnables').RunnableLambda,
    BaseChatModel: require('@langchain/core/language_models/chat_models').BaseChatModel,
    BaseLLM: require('@langchain/core/language_models/llms').BaseLLM,
    InMemoryCache: require('@langchain/core/caches').InMemoryCache,
    AIMessage: require('@langchain/core/messages').AIMessage,
    StructuredTool: require('@langchain/core/tools').StructuredTool,
    tool: require('@langchain/core/tools').tool,
    createAgent: require('langchain').createAgent,
  };
  const fake = await startFakeProvider();

  return {
    langchain,
    openai,
    tracerProvider: otel.tracerProvider,
    m,
    fake,
    chatOpenAI: (model, options = {}) => ({
      model,
      apiKey: 'test-key',
      configuration: { baseURL: `${fake.url}/v1` },
      maxRetries: 0,
      ...options,
    }),
    settle: otel.settle,
    metrics: otel.metricsAcrossScopes,
    reset: otel.reset,
    async close() {
      await fake.close();
      langchain.disable();
      openai?.disable();
      await otel.shutdown();
    },
  };
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

export function parentOf(spans: readonly ReadableSpan[], span: ReadableSpan): ReadableSpan | undefined {
  const id = span.parentSpanContext?.spanId;
  return spans.find((s) => s.spanContext().spanId === id);
}

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
    InMemoryCache: require('@langchain/core/caches').InMemoryCache,
  };
}

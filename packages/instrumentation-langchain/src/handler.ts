import {
  context as otelContext,
  diag,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  GEN_AI_OPERATION_NAME_VALUES,
  attributionAttributes,
  errorTypeOf,
  getLlmAttribution,
  withLlmContext,
  type GenAiRequest,
  type GenAiResponse,
  type GenAiTelemetry,
  nonEmptyString,
  isObject,
} from '@llmtel/core';
import { ATTR_LLMTEL_CACHE_HIT, endWithoutRequest, servedFromCache } from './cache.js';
import type { GenerationLike, Json, LLMResultLike, MessageLike, SerializedLike } from './internal-types.js';
import { outputMessages, splitSystem, textOf } from './messages.js';
import type { RunRegistry } from './runs.js';
import {
  finishReasonOf,
  providerOf,
  requestAttributesOf,
  requestModelOf,
  responseIdOf,
  responseModelOf,
  serializedName,
  toolText,
  usageOf,
} from './utils.js';

/** Semconv v1.41 tool attributes (`gen_ai.tool.*`); the arguments and result are opt-in content. */
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_TOOL_TYPE = 'gen_ai.tool.type';
export const ATTR_GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const ATTR_GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';

/** The tag LangSmith (and LangGraph, for its internal runs) uses for runs that are plumbing, not steps. */
const HIDDEN_TAG = 'langsmith:hidden';
/** The classic `AgentExecutor` and the `createAgent` graph (which marks its runs' metadata). */
const AGENT_EXECUTOR = 'AgentExecutor';
const CREATE_AGENT_INTEGRATION = 'langchain_create_agent';

/** What the handler needs from the instrumentation that registered it; read on every run, so config changes apply. */
export interface HandlerHost {
  telemetry(): GenAiTelemetry;
  tracer(): Tracer;
  traceChains(): boolean;
  /** False once the instrumentation is disabled: runs that start afterwards get no spans. */
  active(): boolean;
  /** A tool's arguments or result as a content attribute (redacted, capped), or undefined when capture is off. */
  content(text: string, field: 'input' | 'output'): string | undefined;
}

function asJson(value: unknown): Json | undefined {
  return isObject(value) ? value : undefined;
}

/** The agent a run belongs to, from the metadata `createAgent` puts on its runs (inherited by child runs). */
function agentKeyOf(metadata: Json | undefined): string | undefined {
  const name = nonEmptyString(metadata?.lc_agent_name);
  if (name !== undefined) return name;
  return metadata?.ls_integration === CREATE_AGENT_INTEGRATION ? '' : undefined;
}

function recordError(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setAttribute(ATTR_ERROR_TYPE, errorTypeOf(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : undefined });
}

/**
 * The callback handler llmtel adds to every LangChain callback manager. LangChain calls it synchronously, in the
 * async context of the run that is starting (it is an "awaited" handler), so a run's span can be parented on the
 * active OpenTelemetry context when the run has no traced parent run.
 *
 * Chat model and LLM runs become GenAI CLIENT spans recorded by `@llmtel/core` with deferred billing: when the
 * provider SDK underneath is instrumented too, its span (a child of this one) owns the usage; otherwise this span
 * does. Agents become `invoke_agent` spans, tools `execute_tool` spans, other chains plain INTERNAL spans.
 */
export class LlmtelCallbackHandler {
  readonly name = 'llmtel_langchain_handler';
  /** LangChain awaits this handler and calls it in the run's own async context; every method is synchronous. */
  readonly awaitHandlers = true;
  readonly raiseError = false;
  readonly ignoreLLM = false;
  readonly ignoreChain = false;
  readonly ignoreAgent = false;
  readonly ignoreRetriever = false;
  readonly ignoreCustomEvent = true;
  private readonly host: HandlerHost;
  private readonly runs: RunRegistry;

  constructor(host: HandlerHost, runs: RunRegistry) {
    this.host = host;
    this.runs = runs;
  }

  /** LangChain copies handlers when it configures child runs; one instance serves them all. */
  copy(): this {
    return this;
  }

  handleChatModelStart(
    llm: SerializedLike,
    messages: MessageLike[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Json,
    _tags?: string[],
    metadata?: Json,
  ): void {
    this.guard('handleChatModelStart', () => {
      const group = Array.isArray(messages?.[0]) ? messages[0] : [];
      let split: ReturnType<typeof splitSystem> | undefined;
      const parts = () => (split ??= splitSystem(group));
      this.startModelRun(runId, parentRunId, 'chat', llm, extraParams, metadata, {
        inputMessages: () => parts().input,
        systemInstructions: () => parts().system,
        estimateInputText: () => group.map((m) => textOf(m)).join('\n'),
      });
    });
  }

  handleLLMStart(
    llm: SerializedLike,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Json,
    _tags?: string[],
    metadata?: Json,
  ): void {
    this.guard('handleLLMStart', () => {
      const prompt = typeof prompts?.[0] === 'string' ? prompts[0] : '';
      this.startModelRun(runId, parentRunId, 'text_completion', llm, extraParams, metadata, {
        inputMessages: () => [{ role: 'user', parts: [{ type: 'text', content: prompt }] }],
        estimateInputText: () => prompt,
      });
    });
  }

  handleLLMNewToken(_token: string, _idx: unknown, runId: string): void {
    this.runs.get(runId)?.call?.recordChunk();
  }

  handleLLMEnd(output: LLMResultLike, runId: string, _parentRunId?: string, _tags?: string[], extra?: Json): void {
    this.guard('handleLLMEnd', () => {
      const call = this.runs.take(runId)?.call;
      if (call === undefined) return;
      const response = responseOf(output);
      if (!servedFromCache(extra)) call.end(response);
      else endWithoutRequest(call, { ...response, attributes: { [ATTR_LLMTEL_CACHE_HIT]: true } });
    });
  }

  handleLLMError(error: unknown, runId: string, _parentRunId?: string, _tags?: string[], extra?: Json): void {
    this.guard('handleLLMError', () => {
      const call = this.runs.take(runId)?.call;
      if (call === undefined) return;
      if (!servedFromCache(extra)) {
        call.fail(error);
        return;
      }
      // The cache lookup itself failed: the run failed, but no provider request did (no error metrics, and no
      // `onLlmError` for callbacks that count failed requests).
      recordError(call.span, error);
      endWithoutRequest(call, {});
    });
  }

  handleChainStart(
    chain: SerializedLike,
    _inputs: unknown,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Json,
    _runType?: string,
    runName?: string,
  ): void {
    this.guard('handleChainStart', () => {
      if (!this.host.active()) return;
      const parentState = this.runs.get(parentRunId);
      const parent = parentState?.context ?? otelContext.active();
      const agentKey = agentKeyOf(asJson(metadata)) ?? parentState?.agentKey;
      const name = nonEmptyString(runName) ?? serializedName(chain) ?? 'chain';
      const isAgent =
        name === AGENT_EXECUTOR ||
        (agentKey !== undefined &&
          (parentState === undefined || parentState.kind === 'tool' || parentState.agentKey !== agentKey));
      if (isAgent) {
        this.startAgent(runId, parent, agentKey || name, agentKey);
      } else if (tags?.includes(HIDDEN_TAG) || !this.host.traceChains()) {
        this.runs.set(runId, { kind: 'hidden', context: parent, agentKey });
      } else {
        const span = this.host.tracer().startSpan(name, { kind: SpanKind.INTERNAL }, parent);
        this.runs.set(runId, { kind: 'chain', context: trace.setSpan(parent, span), span, agentKey });
      }
    });
  }

  handleChainEnd(_outputs: unknown, runId: string): void {
    this.guard('handleChainEnd', () => this.runs.take(runId)?.span?.end());
  }

  handleChainError(error: unknown, runId: string): void {
    this.guard('handleChainError', () => endWithError(this.runs.take(runId)?.span, error));
  }

  /** The classic `AgentExecutor` under another name: the chain that reports agent actions is an agent. */
  handleAgentAction(_action: unknown, runId: string): void {
    this.guard('handleAgentAction', () => {
      const state = this.runs.get(runId);
      if (state?.kind !== 'chain' || state.span === undefined) return;
      const name = (state.span as unknown as { name?: unknown }).name;
      const agentName = typeof name === 'string' ? name : 'agent';
      state.span.updateName(`${GEN_AI_OPERATION_NAME_VALUES.INVOKE_AGENT} ${agentName}`);
      state.span.setAttributes({
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUES.INVOKE_AGENT,
        [ATTR_GEN_AI_AGENT_NAME]: agentName,
      });
    });
  }

  handleToolStart(
    tool: SerializedLike,
    input: unknown,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Json,
    runName?: string,
    toolCallId?: string,
  ): void {
    this.guard('handleToolStart', () => {
      if (!this.host.active()) return;
      const parentState = this.runs.get(parentRunId);
      const parent = parentState?.context ?? otelContext.active();
      const name = nonEmptyString(runName) ?? nonEmptyString(this.runs.pendingName()) ?? serializedName(tool) ?? 'tool';
      const attributes: Attributes = {
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUES.EXECUTE_TOOL,
        [ATTR_GEN_AI_TOOL_NAME]: name,
        [ATTR_GEN_AI_TOOL_TYPE]: 'function',
      };
      if (nonEmptyString(toolCallId)) attributes[ATTR_GEN_AI_TOOL_CALL_ID] = toolCallId;
      attributionAttributes(getLlmAttribution(parent), attributes);
      const args = this.content(input, 'input');
      if (args !== undefined) attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] = args;
      const span = this.host
        .tracer()
        .startSpan(
          `${GEN_AI_OPERATION_NAME_VALUES.EXECUTE_TOOL} ${name}`,
          { kind: SpanKind.INTERNAL, attributes },
          parent,
        );
      this.runs.set(runId, {
        kind: 'tool',
        context: trace.setSpan(parent, span),
        span,
        agentKey: parentState?.agentKey,
      });
    });
  }

  handleToolEnd(output: unknown, runId: string): void {
    this.guard('handleToolEnd', () => {
      const span = this.runs.take(runId)?.span;
      if (span === undefined) return;
      const result = this.content(output, 'output');
      if (result !== undefined) span.setAttribute(ATTR_GEN_AI_TOOL_CALL_RESULT, result);
      span.end();
    });
  }

  handleToolError(error: unknown, runId: string): void {
    this.guard('handleToolError', () => endWithError(this.runs.take(runId)?.span, error));
  }

  handleRetrieverStart(
    retriever: SerializedLike,
    _query: string,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Json,
    name?: string,
  ): void {
    this.handleChainStart(retriever, undefined, runId, parentRunId, tags, metadata, 'retriever', name);
  }

  handleRetrieverEnd(_documents: unknown, runId: string): void {
    this.handleChainEnd(undefined, runId);
  }

  handleRetrieverError(error: unknown, runId: string): void {
    this.handleChainError(error, runId);
  }

  private startModelRun(
    runId: string,
    parentRunId: string | undefined,
    operation: string,
    llm: SerializedLike,
    extraParams: Json | undefined,
    metadata: Json | undefined,
    content: Pick<GenAiRequest, 'inputMessages' | 'systemInstructions' | 'estimateInputText'>,
  ): void {
    if (!this.host.active()) return;
    const parentState = this.runs.get(parentRunId);
    const parent = parentState?.context ?? otelContext.active();
    const meta = asJson(metadata);
    const params = asJson(asJson(extraParams)?.invocation_params);
    const request: GenAiRequest = {
      provider: providerOf(meta, llm),
      operation,
      requestModel: requestModelOf(meta, params),
      streaming: params?.stream === true || params?.streaming === true,
      requestAttributes: requestAttributesOf(meta, params),
      ...content,
      // The provider SDK underneath may be instrumented (its span then owns the usage) or not (this span does).
      billable: 'deferred',
    };
    const call = this.host.telemetry().startCall(request, parent);
    this.runs.set(runId, { kind: 'llm', context: call.context, call, agentKey: parentState?.agentKey });
  }

  private startAgent(runId: string, parent: Context, agentName: string, agentKey: string | undefined): void {
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUES.INVOKE_AGENT,
      [ATTR_GEN_AI_AGENT_NAME]: agentName,
    };
    attributionAttributes(getLlmAttribution(parent), attributes);
    // An in-process agent: INTERNAL, per the conventions' agent spans.
    const span = this.host
      .tracer()
      .startSpan(
        `${GEN_AI_OPERATION_NAME_VALUES.INVOKE_AGENT} ${agentName}`,
        { kind: SpanKind.INTERNAL, attributes },
        parent,
      );
    // The agent's model calls (and the provider SDK's spans under them) carry `gen_ai.agent.name` too.
    const ctx = otelContext.with(trace.setSpan(parent, span), () =>
      withLlmContext({ agentName }, () => otelContext.active()),
    );
    this.runs.set(runId, { kind: 'agent', context: ctx, span, agentKey: agentKey ?? agentName });
  }

  /** A tool's arguments or result as a content attribute, when content capture is on. */
  private content(value: unknown, field: 'input' | 'output'): string | undefined {
    const text = toolText(value);
    return text === undefined ? undefined : this.host.content(text, field);
  }

  private guard(method: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      diag.debug(`llmtel langchain: ${method} failed; the run is traced without it`, error);
    }
  }
}

function endWithError(span: Span | undefined, error: unknown): void {
  if (span === undefined) return;
  recordError(span, error);
  span.end();
}

/** What a model run's result says, for the GenAI call. */
function responseOf(output: LLMResultLike): GenAiResponse {
  const generations: GenerationLike[] = Array.isArray(output?.generations?.[0]) ? output.generations[0] : [];
  const finishReasons = generations.map(finishReasonOf).filter((r): r is string => r !== undefined);
  const first = generations[0];
  return {
    responseModel: responseModelOf(first),
    responseId: responseIdOf(first),
    finishReasons,
    usage: usageOf(output ?? {}),
    outputMessages: () => outputMessages(generations, finishReasons),
    estimateOutputText: () =>
      generations
        .map((g) => (isObject(g.message) ? textOf(g.message) : typeof g.text === 'string' ? g.text : ''))
        .join('\n'),
  };
}

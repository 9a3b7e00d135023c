import {
  context as otelContext,
  diag,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { attributionAttributes, usageAttributes } from './attributes.js';
import { getLlmAttribution } from './attribution.js';
import {
  BillingScope,
  billingScopeOf,
  markBillableCall,
  registerSpanBillingScope,
  withBillingScope,
} from './billing-owner.js';
import { callIdOf, estimateUsage } from './call-utils.js';
import { callbackHandlersFor } from './callbacks.js';
import { DEFAULT_MAX_CONTENT_LENGTH, serializeContent, type ContentOptions } from './content.js';
import { errorTypeOf } from './errors.js';
import { genAiInstruments, metricAttributes } from './metrics.js';
import { resolvePricingTable } from './pricing/load.js';
import type { PricingTable } from './pricing/pricing.js';
import * as sc from './semconv.js';
import type { GenAiRequest, GenAiResponse, GenAiTelemetryOptions } from './telemetry-types.js';
import type { LlmAttribution, LlmCallbackHandler, LlmEndEvent, LlmStartEvent, TokenUsage } from './types.js';

/**
 * The one place that turns an LLM call into telemetry: the span, its attributes, cost, metrics and callbacks.
 * Instrumentations only translate their SDK's request and response into `GenAiRequest` / `GenAiResponse`.
 */
export class GenAiTelemetry {
  readonly captureMessageContent: boolean;
  /** @internal */ readonly content: ContentOptions;
  private readonly options: GenAiTelemetryOptions;
  private pricingTable: PricingTable | undefined;

  constructor(options: GenAiTelemetryOptions) {
    const maxLength = options.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH;
    if (!Number.isInteger(maxLength) || maxLength <= 0) {
      throw new RangeError(`maxContentLength must be a positive integer, got ${String(options.maxContentLength)}`);
    }
    this.options = options;
    this.captureMessageContent = options.captureMessageContent ?? false;
    this.content = { redactor: options.contentRedactor, maxLength };
    this.pricingTable = options.pricing;
  }

  /** @internal */
  get pricing(): PricingTable {
    return (this.pricingTable ??= resolvePricingTable({}));
  }

  /** @internal */
  meter() {
    return this.options.meter();
  }

  /** Starts the span for one provider request, as a child of `parent` (default: the active context). */
  startCall(request: GenAiRequest, parent: Context = otelContext.active()): GenAiCall {
    const attribution = getLlmAttribution(parent);
    const attributes: Attributes = {
      [sc.ATTR_GEN_AI_OPERATION_NAME]: request.operation,
      [sc.ATTR_GEN_AI_PROVIDER_NAME]: request.provider,
    };
    if (request.requestModel) attributes[sc.ATTR_GEN_AI_REQUEST_MODEL] = request.requestModel;
    if (request.serverAddress) attributes[sc.ATTR_SERVER_ADDRESS] = request.serverAddress;
    if (request.serverPort !== undefined) attributes[sc.ATTR_SERVER_PORT] = request.serverPort;
    if (request.requestAttributes) Object.assign(attributes, request.requestAttributes);
    attributionAttributes(attribution, attributes);
    if (this.captureMessageContent) this.captureRequestContent(request, attributes);

    const name = request.requestModel ? `${request.operation} ${request.requestModel}` : request.operation;
    const span = this.options.tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    let ctx = trace.setSpan(parent, span);
    let billing: BillingScope | undefined;
    if (request.billable === 'deferred') {
      billing = new BillingScope(billingScopeOf(parent));
      ctx = withBillingScope(ctx, billing);
      registerSpanBillingScope(span, billing);
    } else if (request.billable !== false) {
      markBillableCall(parent);
    }
    const handlers = callbackHandlersFor(parent);
    const call = new GenAiCall(this, request, span, ctx, attribution, handlers, billing);
    if (handlers.length > 0) call.emitStart();
    return call;
  }

  private captureRequestContent(request: GenAiRequest, attributes: Attributes): void {
    try {
      const input = request.inputMessages?.();
      if (input && input.length > 0) {
        const json = serializeContent(input, 'input', this.content);
        if (json !== undefined) attributes[sc.ATTR_GEN_AI_INPUT_MESSAGES] = json;
      }
      const system = request.systemInstructions?.();
      if (system && system.length > 0) {
        const json = serializeContent(system, 'system', this.content);
        if (json !== undefined) attributes[sc.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = json;
      }
    } catch (err) {
      diag.warn('llmtel: could not capture request content', err);
    }
  }
}

/** One provider request in flight. `end` / `fail` may be called many times; only the first one counts. */
export class GenAiCall {
  readonly span: Span;
  /** The parent context with this call's span set: run the SDK's own request inside it. */
  readonly context: Context;
  private readonly telemetry: GenAiTelemetry;
  private readonly request: GenAiRequest;
  private readonly attribution: LlmAttribution;
  private readonly handlers: readonly LlmCallbackHandler[];
  private readonly billing: BillingScope | undefined;
  private readonly startedAt = performance.now();
  private readonly startEpochMs = Date.now();
  private firstChunkAt: number | undefined;
  private lastChunkAt = 0;
  private chunks = 0;
  private finished = false;
  private cachedStartEvent: LlmStartEvent | undefined;

  /** @internal use `GenAiTelemetry.startCall` */
  constructor(
    telemetry: GenAiTelemetry,
    request: GenAiRequest,
    span: Span,
    ctx: Context,
    attribution: LlmAttribution,
    handlers: readonly LlmCallbackHandler[],
    billing?: BillingScope,
  ) {
    this.telemetry = telemetry;
    this.billing = billing;
    this.request = request;
    this.span = span;
    this.context = ctx;
    this.attribution = attribution;
    this.handlers = handlers;
  }

  get ended(): boolean {
    return this.finished;
  }

  /** Call once per streamed chunk received, before handing it to the app. */
  recordChunk(): void {
    const now = performance.now();
    if (this.firstChunkAt === undefined) this.firstChunkAt = now;
    this.lastChunkAt = now;
    this.chunks++;
  }

  /**
   * `endedAt` (a `performance.now()` time) back-dates the end, for a call ended after the fact: a response the app
   * dropped unread ends when it arrived, not when it was garbage-collected.
   */
  end(response: GenAiResponse = {}, endedAt?: number): void {
    if (this.finished) return;
    this.finished = true;
    this.complete(response, undefined, endedAt);
  }

  fail(error: unknown, partial: GenAiResponse = {}): void {
    if (this.finished) return;
    this.finished = true;
    this.complete(partial, error);
  }

  /** @internal */
  emitStart(): void {
    const event = this.startEvent();
    for (const h of this.handlers) void h.onLlmStart?.(event);
  }

  private complete(response: GenAiResponse, error: unknown, endedAt: number = performance.now()): void {
    try {
      const usage = (response.noProviderRequest === true ? undefined : response.usage) ?? {};
      if (error === undefined && response.noProviderRequest !== true && this.needsEstimate(usage, response)) {
        estimateUsage(this.request, response, usage).then(
          (estimated) => this.finish(response, estimated, error, endedAt),
          (err: unknown) => {
            diag.warn('llmtel: token estimation failed', err);
            this.finish(response, usage, error, endedAt);
          },
        );
        return;
      }
      this.finish(response, usage, error, endedAt);
    } catch (err) {
      diag.error('llmtel: failed to record LLM call', err);
      this.span.end(endedAt);
    }
  }

  private needsEstimate(usage: TokenUsage, response: GenAiResponse): boolean {
    return (
      (usage.inputTokens === undefined && this.request.estimateInputText !== undefined) ||
      (usage.outputTokens === undefined && response.estimateOutputText !== undefined)
    );
  }

  private finish(response: GenAiResponse, usage: TokenUsage, error: unknown, endedAt: number): void {
    try {
      this.finishUnsafe(response, usage, error, endedAt);
    } catch (err) {
      diag.error('llmtel: failed to record LLM call', err);
    } finally {
      if (this.span.isRecording()) this.span.end(endedAt);
    }
  }

  private finishUnsafe(response: GenAiResponse, usage: TokenUsage, error: unknown, endedAt: number): void {
    const { request, span, telemetry } = this;
    const responseModel = response.responseModel;
    const noRequest = response.noProviderRequest === true;
    // Nothing was sent, so no scope around this call may bill it either: as if a billable call had taken it.
    if (noRequest) this.billing?.markChildBillable();
    const billable = (this.billing ? this.billing.settle() : request.billable !== false) && !noRequest;
    const costUsd = billable
      ? telemetry.pricing.cost(request.provider, responseModel ?? request.requestModel, usage)
      : undefined;
    const errorType = error === undefined ? undefined : errorTypeOf(error);

    const attributes: Attributes = usageAttributes(usage, {});
    if (responseModel) attributes[sc.ATTR_GEN_AI_RESPONSE_MODEL] = responseModel;
    if (response.responseId) attributes[sc.ATTR_GEN_AI_RESPONSE_ID] = response.responseId;
    if (response.finishReasons && response.finishReasons.length > 0) {
      attributes[sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = response.finishReasons;
    }
    if (costUsd !== undefined) attributes[sc.ATTR_LLMTEL_USAGE_COST_USD] = costUsd;
    attributes[sc.ATTR_LLMTEL_USAGE_BILLABLE] = billable;
    if (response.attributes) Object.assign(attributes, response.attributes);
    if (telemetry.captureMessageContent && response.outputMessages) this.captureResponseContent(response, attributes);
    if (errorType !== undefined) {
      attributes[sc.ATTR_ERROR_TYPE] = errorType;
      if (error instanceof Error) span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : undefined });
    }
    span.setAttributes(attributes);

    // One set of metrics per provider request: a wrapper span (billable=false: a LangChain run or AI SDK span over
    // an instrumented SDK) would count the request, its latency and its tokens a second time.
    if (billable) this.recordMetrics(response, usage, costUsd, errorType, endedAt);
    if (this.handlers.length > 0) this.emitEnd(response, usage, costUsd, error, errorType, endedAt, billable);
  }

  private captureResponseContent(response: GenAiResponse, attributes: Attributes): void {
    // A throwing redactor or content mapper must cost the content attribute only, never the usage and cost.
    try {
      const output = response.outputMessages?.();
      const json = output ? serializeContent(output, 'output', this.telemetry.content) : undefined;
      if (json !== undefined) attributes[sc.ATTR_GEN_AI_OUTPUT_MESSAGES] = json;
    } catch (err) {
      diag.warn('llmtel: could not capture response content', err);
    }
  }

  private recordMetrics(
    response: GenAiResponse,
    usage: TokenUsage,
    costUsd: number | undefined,
    errorType: string | undefined,
    endedAt: number,
  ): void {
    const { request } = this;
    const instruments = genAiInstruments(this.telemetry.meter());
    const attrs = metricAttributes(instruments, {
      operation: request.operation,
      provider: request.provider,
      requestModel: request.requestModel,
      responseModel: response.responseModel,
      serverAddress: request.serverAddress,
      serverPort: request.serverPort,
      errorType,
    });

    instruments.duration.record((endedAt - this.startedAt) / 1000, attrs.base);
    if (usage.inputTokens !== undefined) instruments.tokenUsage.record(usage.inputTokens, attrs.input);
    if (usage.outputTokens !== undefined) instruments.tokenUsage.record(usage.outputTokens, attrs.output);
    if (costUsd !== undefined) instruments.costUsd.add(costUsd, attrs.base);
    const timeToFirstChunkMs = this.timeToFirstChunkMs(response);
    if (timeToFirstChunkMs !== undefined) instruments.timeToFirstChunk.record(timeToFirstChunkMs / 1000, attrs.base);
    if (this.firstChunkAt !== undefined) {
      if (this.chunks > 1) {
        const perChunk = (this.lastChunkAt - this.firstChunkAt) / (this.chunks - 1) / 1000;
        instruments.timePerOutputChunk.record(perChunk, attrs.base);
      }
    }
  }

  private timeToFirstChunkMs(response: GenAiResponse): number | undefined {
    if (this.firstChunkAt !== undefined) return this.firstChunkAt - this.startedAt;
    const measured = response.timeToFirstChunkMs;
    return typeof measured === 'number' && Number.isFinite(measured) && measured >= 0 ? measured : undefined;
  }

  private startEvent(): LlmStartEvent {
    return (this.cachedStartEvent ??= this.buildStartEvent());
  }

  private buildStartEvent(): LlmStartEvent {
    const { request } = this;
    let inputMessages;
    try {
      inputMessages = request.inputMessages?.();
    } catch (err) {
      diag.debug('llmtel: could not read input messages for callbacks', err);
    }
    return {
      provider: request.provider,
      operation: request.operation,
      requestModel: request.requestModel,
      streaming: request.streaming ?? false,
      inputMessages,
      attribution: this.attribution,
      requestAttributes: request.requestAttributes ?? {},
      startTime: this.startEpochMs,
    };
  }

  private emitEnd(
    response: GenAiResponse,
    usage: TokenUsage,
    costUsd: number | undefined,
    error: unknown,
    errorType: string | undefined,
    endedAt: number,
    billable: boolean,
  ): void {
    const callId = callIdOf(this.span);
    const durationMs = endedAt - this.startedAt;
    const base = this.startEvent();
    if (errorType !== undefined) {
      const event = {
        ...base,
        error,
        errorType,
        durationMs,
        callId,
        billable,
        usage,
        costUsd,
        responseModel: response.responseModel,
      };
      for (const h of this.handlers) void h.onLlmError?.(event);
      return;
    }
    let outputMessages;
    try {
      outputMessages = response.outputMessages?.();
    } catch (err) {
      diag.debug('llmtel: could not read output messages for callbacks', err);
    }
    // Spelled out rather than spread from the start event: one object of a fixed shape per call.
    const event: LlmEndEvent = {
      provider: base.provider,
      operation: base.operation,
      requestModel: base.requestModel,
      streaming: base.streaming,
      inputMessages: base.inputMessages,
      attribution: base.attribution,
      requestAttributes: base.requestAttributes,
      startTime: base.startTime,
      responseModel: response.responseModel,
      responseId: response.responseId,
      finishReasons: response.finishReasons,
      outputMessages,
      usage,
      costUsd,
      durationMs,
      timeToFirstChunkMs: this.timeToFirstChunkMs(response),
      callId,
      billable,
    };
    for (const h of this.handlers) void h.onLlmEnd?.(event);
  }
}

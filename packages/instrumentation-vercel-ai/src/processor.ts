import {
  diag,
  metrics,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type HrTime,
  type Meter,
  type MeterProvider,
  type Span,
  type SpanKind,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_LLMTEL_USAGE_BILLABLE,
  BillingScope,
  billingScopeOf,
  GenAiTelemetry,
  registerSpanBillingScope,
  type GenAiCall,
  type GenAiRequest,
  type GenAiResponse,
} from '@llmtel/core';
import { AdoptingTracer } from './adopted-span.js';
import type { AiSdkSpanProcessorConfig } from './types.js';
import { carriesUsage, classifySpan, requestOf, responseOf, timeToFirstChunkMsOf, usageOf } from './utils.js';

export const PACKAGE_NAME = '@llmtel/instrumentation-vercel-ai';
export const PACKAGE_VERSION = '0.1.0';
export const DEFAULT_TRACER_NAMES: readonly string[] = ['ai', 'gen_ai'];

/** What a span processor sees of an SDK span (`@opentelemetry/sdk-trace`'s `Span` is also a `ReadableSpan`). */
interface SdkSpanView {
  readonly name: string;
  readonly kind: SpanKind;
  readonly attributes: Attributes;
  readonly instrumentationScope?: { readonly name: string };
  readonly status?: { readonly code: SpanStatusCode };
  readonly events?: readonly { readonly name: string; readonly attributes?: Attributes; readonly time?: HrTime }[];
}

/** A request span of the AI SDK, with the llmtel call recorded onto it. */
interface Adopted {
  readonly call: GenAiCall;
  readonly request: GenAiRequest;
  readonly billing: BillingScope;
}

/** The error of a failed request span, as core's `errorTypeOf` reads it: the exception type the AI SDK recorded. */
function errorOf(span: SdkSpanView): { code?: string } {
  const exception = [...(span.events ?? [])].reverse().find((e) => e.name === 'exception');
  const type = exception?.attributes?.['exception.type'] ?? span.attributes[ATTR_ERROR_TYPE];
  return typeof type === 'string' ? { code: type } : {};
}

/**
 * Gives the Vercel AI SDK's own telemetry spans what every llmtel span carries: the GenAI attributes, tokens, cost,
 * `llmtel.usage.*`, attribution, the token / duration / cost metrics (and the time to first chunk the AI SDK measured
 * for a stream) and the llmtel callbacks, recorded once per provider request.
 *
 * Register it on the tracer provider (`@llmtel/node` does). It works on the AI SDK's built-in spans (v5, v6:
 * `experimental_telemetry: { isEnabled: true }`) and on those of `@ai-sdk/otel` (v7: `registerTelemetry(new
 * OpenTelemetry())`, or `LegacyOpenTelemetry` for the v6 span format; see `registerAiSdkTelemetry`). Each span of
 * a provider request (`ai.generateText.doGenerate`, `ai.streamText.doStream`, `chat <model>`, ...) is recorded
 * through `@llmtel/core` as it ends (`onEnding`, while it can still be written). When the provider underneath is
 * itself instrumented (a provider built on the `openai` SDK), its span owns the usage and the AI SDK's span is
 * `llmtel.usage.billable=false`; otherwise (the AI SDK's own providers call `fetch`) the AI SDK's span owns it. Spans
 * over several requests (the call, a step) repeat their usage and are marked `llmtel.usage.billable=false`.
 */
export class AiSdkSpanProcessor {
  private readonly telemetry: GenAiTelemetry;
  private readonly tracer = new AdoptingTracer();
  private readonly tracerNames: ReadonlySet<string>;
  private readonly adopted = new WeakMap<object, Adopted>();
  private readonly aggregates = new WeakSet<object>();
  /** `@ai-sdk/otel` spans of `embed` / `embedMany` calls, whose children are the provider requests. */
  private readonly embeddingCalls = new WeakSet<object>();
  private readonly meterProvider: MeterProvider | undefined;

  constructor(config: AiSdkSpanProcessorConfig = {}) {
    const names = config.tracerNames ?? DEFAULT_TRACER_NAMES;
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
      throw new TypeError('tracerNames must be an array of strings');
    }
    this.tracerNames = new Set(names);
    this.meterProvider = config.meterProvider;
    this.telemetry = new GenAiTelemetry({
      tracer: () => this.tracer,
      meter: () => this.meter(),
      pricing: config.pricing,
      // The AI SDK records content itself, as its own `recordInputs` / `recordOutputs` settings say.
      captureMessageContent: false,
    });
  }

  onStart(span: Span, parentContext: Context): void {
    try {
      const view = span as unknown as SdkSpanView;
      const scope = view.instrumentationScope?.name ?? '';
      const role = classifySpan(view.name, view.kind, scope, view.attributes ?? {}, this.tracerNames);
      if (role === undefined) return;
      let request = role.kind === 'request' ? role : undefined;
      if (role.kind === 'embeddings') {
        const parent = trace.getSpan(parentContext);
        if (parent !== undefined && this.embeddingCalls.has(parent)) {
          request = { kind: 'request', operation: 'embeddings', streaming: false };
        } else {
          this.embeddingCalls.add(span);
        }
      }
      if (request === undefined) {
        this.aggregates.add(span);
        return;
      }
      const { provider, model } = requestOf(view.attributes ?? {});
      const genAiRequest: GenAiRequest = {
        provider,
        operation: request.operation,
        requestModel: model,
        streaming: request.streaming,
        // Decided as the span ends: billable unless an instrumented provider SDK's span under it is.
        billable: false,
      };
      // The AI SDK puts its span in the contexts it makes, so the billing scope is found through the span.
      const billing = new BillingScope(billingScopeOf(parentContext));
      registerSpanBillingScope(span, billing);
      const call = this.tracer.adopt(span, () => this.telemetry.startCall(genAiRequest, parentContext));
      this.adopted.set(span, { call, request: genAiRequest, billing });
    } catch (error) {
      diag.debug('llmtel vercel-ai: could not adopt an AI SDK span', error);
    }
  }

  /** While the span ends it is still writable: the call is recorded onto it here. */
  onEnding(span: Span): void {
    try {
      const view = span as unknown as SdkSpanView;
      if (this.aggregates.has(span)) {
        this.aggregates.delete(span);
        this.embeddingCalls.delete(span);
        if (carriesUsage(view.attributes ?? {})) span.setAttribute(ATTR_LLMTEL_USAGE_BILLABLE, false);
        return;
      }
      const adopted = this.adopted.get(span);
      if (adopted === undefined) return;
      this.adopted.delete(span);
      const attributes = view.attributes ?? {};
      const res = responseOf(attributes);
      const response: GenAiResponse = {
        responseModel: res.model,
        responseId: res.id,
        finishReasons: res.finishReasons,
        usage: usageOf(attributes),
        // The AI SDK measured it; core records it only on the span that owns the request's metrics (an
        // instrumented provider SDK's span under this one records its own).
        timeToFirstChunkMs: timeToFirstChunkMsOf(attributes),
      };
      const billable = adopted.billing.settle();
      adopted.request.billable = billable;
      const error = view.status?.code === SpanStatusCode.ERROR ? errorOf(view) : undefined;
      if (error !== undefined) adopted.call.fail(error, response);
      else adopted.call.end(response);
    } catch (error) {
      diag.debug('llmtel vercel-ai: could not record an AI SDK span', error);
    }
  }

  /** Read when a call ends, so that a global meter provider registered after this processor is used. */
  private meter(): Meter {
    return (this.meterProvider ?? metrics.getMeterProvider()).getMeter(PACKAGE_NAME, PACKAGE_VERSION);
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

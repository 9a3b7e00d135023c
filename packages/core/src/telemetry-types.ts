import type { Attributes, Meter, Tracer } from '@opentelemetry/api';
import type { ContentRedactor } from './content.js';
import type { PricingTable } from './pricing/pricing.js';
import type { GenAiMessage, GenAiMessagePart, TokenUsage } from './types.js';

export interface GenAiTelemetryOptions {
  /** Getter, so an instrumentation's `setTracerProvider` takes effect for later calls. */
  tracer: () => Tracer;
  /** Getter, so an instrumentation's `setMeterProvider` takes effect for later calls. */
  meter: () => Meter;
  /** Export prompts and completions as span attributes. Default `false`; see `resolveCaptureMessageContent`. */
  captureMessageContent?: boolean;
  contentRedactor?: ContentRedactor;
  /** Cap on one content attribute's length. Default 32 KiB. */
  maxContentLength?: number;
  /** Prices for `llmtel.usage.cost_usd`. Default: the shipped table plus `LLMTEL_PRICING_FILE`. */
  pricing?: PricingTable;
}

/** What an instrumentation knows about a call before it is sent. */
export interface GenAiRequest {
  provider: string;
  operation: string;
  requestModel: string;
  streaming?: boolean;
  serverAddress?: string;
  serverPort?: number;
  /** `gen_ai.request.*` parameters and other request attributes. */
  requestAttributes?: Attributes;
  /** Lazy: called only when content capture is on or a callback handler is registered. */
  inputMessages?: () => GenAiMessage[];
  /** Lazy, like `inputMessages`. */
  systemInstructions?: () => GenAiMessagePart[];
  /** Lazy: the text to count when the provider reports no input usage. */
  estimateInputText?: () => string;
  /**
   * Whether this span owns the request's usage (`llmtel.usage.billable`, cost, token and cost metrics). Default true.
   * False for wrapper spans (frameworks) whose usage another span always owns. `'deferred'` for wrapper spans over a
   * provider SDK that may or may not be instrumented: the span owns the usage only when no billable call is started
   * under it (in `call.context`); see `BillingScope`.
   */
  billable?: boolean | 'deferred';
}

/** What an instrumentation learnt from the response (or from a stream, accumulated). */
export interface GenAiResponse {
  responseModel?: string;
  responseId?: string;
  finishReasons?: string[];
  /** Already normalised to the conventions' meaning (see `TokenUsage`). */
  usage?: TokenUsage;
  /** Lazy: called only when content capture is on or a callback handler is registered. */
  outputMessages?: () => GenAiMessage[];
  /** Lazy: the text to count when the provider reports no output usage. */
  estimateOutputText?: () => string;
  attributes?: Attributes;
  /**
   * The call was answered without a provider request (a framework's own cache): the span stays, but it is not
   * billable, carries no usage or cost and records no metrics (it is not a provider operation), and the billing
   * scopes around it are not handed its usage either. Callbacks still get `onLlmEnd`, with `billable: false`.
   */
  noProviderRequest?: boolean;
  /**
   * Time to first chunk (ms) measured by someone else (a framework's own telemetry), for a streamed call whose chunks
   * this call did not see. Ignored when `recordChunk()` was called.
   */
  timeToFirstChunkMs?: number;
}

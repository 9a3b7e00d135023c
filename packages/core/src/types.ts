import type { Attributes } from '@opentelemetry/api';

/**
 * Token counts of one LLM call, normalised to the semantic conventions' meaning whatever the provider reported.
 * Instrumentations convert provider semantics before filling this in (for example Anthropic reports cache tokens
 * apart from `input_tokens`; here they are included in `inputTokens`).
 */
export interface TokenUsage {
  /** All input tokens, including cache reads and cache writes (`gen_ai.usage.input_tokens`). */
  inputTokens?: number;
  /** All output tokens, including reasoning tokens (`gen_ai.usage.output_tokens`). */
  outputTokens?: number;
  /** Input tokens served from the provider's prompt cache (part of `inputTokens`). */
  cacheReadInputTokens?: number;
  /** Input tokens written to the provider's prompt cache (part of `inputTokens`). */
  cacheCreationInputTokens?: number;
  /**
   * The part of `cacheCreationInputTokens` written with a 1-hour time to live (Anthropic's
   * `cache_creation.ephemeral_1h_input_tokens`), which is billed above a 5-minute write. Not a span attribute.
   */
  cacheCreation1hInputTokens?: number;
  /** Reasoning / thinking tokens (part of `outputTokens`). */
  reasoningOutputTokens?: number;
  /** True when the counts were estimated locally because the provider reported none. */
  estimated?: boolean;
}

/** Who a call is attributed to. Set with `withLlmContext`, or from W3C baggage (`user.id`, `session.id`). */
export interface LlmAttribution {
  userId?: string;
  /** Lands on spans as `gen_ai.conversation.id`. */
  sessionId?: string;
  agentName?: string;
  tenantId?: string;
  /** Extra span attributes for every LLM call in this context. Never used as metric attributes. */
  attributes?: Attributes;
}

/** A message in the conventions' JSON shape (`gen_ai.input.messages` / `gen_ai.output.messages`). */
export interface GenAiMessage {
  role: string;
  parts: GenAiMessagePart[];
  name?: string;
  finish_reason?: string;
}

export type GenAiMessagePart =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: string; [key: string]: unknown };

/** Plain-object description of a call as it starts; what callbacks receive. */
export interface LlmStartEvent {
  provider: string;
  operation: string;
  requestModel: string;
  streaming: boolean;
  /** Request messages in the conventions' shape. Only filled in when content capture is enabled. */
  inputMessages?: GenAiMessage[];
  attribution: LlmAttribution;
  /** Request parameters (`gen_ai.request.*`), as span attributes. */
  requestAttributes: Attributes;
  startTime: number;
}

export interface LlmEndEvent extends LlmStartEvent {
  responseModel?: string;
  responseId?: string;
  finishReasons?: string[];
  /** Response messages in the conventions' shape. Only filled in when content capture is enabled. */
  outputMessages?: GenAiMessage[];
  usage: TokenUsage;
  /** USD; undefined when the model's price is unknown. */
  costUsd?: number;
  durationMs: number;
  timeToFirstChunkMs?: number;
  /**
   * Idempotency id of the call: `${traceId}-${spanId}` of the call's own span (the id the span path dedupes on), or
   * a random id of the same shape when that span is not recording (no SDK, or sampled out), whose ids may be its
   * parent's.
   */
  callId: string;
  /** This call owns the request's usage (see `llmtel.usage.billable`); a wrapper's event repeats it with false. */
  billable: boolean;
}

export interface LlmErrorEvent extends LlmStartEvent {
  error: unknown;
  errorType: string;
  durationMs: number;
  /** As on {@link LlmEndEvent}. */
  callId: string;
  /** As on {@link LlmEndEvent}: false on a wrapper's event, which repeats the failure of the request under it. */
  billable: boolean;
  /** Usage that was known before the failure (for example a stream that broke after its usage chunk). */
  usage?: TokenUsage;
  /** USD for that usage, as on the span; undefined when unknown. */
  costUsd?: number;
  responseModel?: string;
}

/**
 * A handler of LLM call events, the seed project's callback API. Every method is optional and may be async;
 * failures are isolated and logged, and each call is bounded by the composite's timeout, so a handler can never
 * fail, block or slow the LLM call it observes.
 */
export interface LlmCallbackHandler {
  readonly name?: string;
  onLlmStart?(event: LlmStartEvent): void | Promise<void>;
  onLlmEnd?(event: LlmEndEvent): void | Promise<void>;
  onLlmError?(event: LlmErrorEvent): void | Promise<void>;
}

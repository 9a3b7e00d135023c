export * from './semconv.js';
export type {
  TokenUsage,
  LlmAttribution,
  GenAiMessage,
  GenAiMessagePart,
  LlmStartEvent,
  LlmEndEvent,
  LlmErrorEvent,
  LlmCallbackHandler,
} from './types.js';
export type { GenAiTelemetryOptions, GenAiRequest, GenAiResponse } from './telemetry-types.js';
export { GenAiTelemetry, GenAiCall } from './telemetry.js';
export { telemetryFromConfig, type GenAiTelemetryConfig } from './instrumentation-config.js';
export {
  BillingScope,
  billingScopeOf,
  markBillableCall,
  registerSpanBillingScope,
  withBillingScope,
  type BillingScopeLike,
} from './billing-owner.js';
export { withLlmContext, getLlmAttribution, BAGGAGE_USER_ID, BAGGAGE_SESSION_ID } from './attribution.js';
export {
  CompositeCallbackHandler,
  registerLlmCallbackHandler,
  withLlmCallbacks,
  globalCallbackHandlers,
  DEFAULT_CALLBACK_TIMEOUT_MS,
  type CompositeCallbackHandlerOptions,
} from './callbacks.js';
export { errorTypeOf } from './errors.js';
export { estimateTokens, encodingForModel, type EncodingName } from './estimate.js';
export { serializeContent, DEFAULT_MAX_CONTENT_LENGTH, type ContentRedactor, type ContentField } from './content.js';
export {
  resolveBoolean,
  resolvePositiveInteger,
  resolveCaptureMessageContent,
  ENV_CAPTURE_MESSAGE_CONTENT,
} from './config.js';
export { genAiInstruments, type GenAiInstruments } from './metrics.js';
export { usageAttributes, attributionAttributes } from './attributes.js';
export { PricingTable, computeCost } from './pricing/pricing.js';
export { normalizeModelName } from './pricing/normalize.js';
export { loadPricingFile, resolvePricingTable, ENV_PRICING_FILE, type PricingOptions } from './pricing/load.js';
export type { ModelPrice, PriceTier } from './pricing/types.js';
export {
  NativeSpanClaim,
  activeNativeSpanClaim,
  runWithNativeSpanClaim,
  interceptNativeSpans,
  isInterceptingTracer,
  resolveNativeSpanMode,
  LLMTEL_OWNED_ATTRIBUTES,
  NATIVE_SPAN_MODES,
  DEFAULT_NATIVE_SPAN_MODE,
  type NativeSpanMode,
  type NativeSpanClaimOptions,
  type NativeSpanMatcher,
} from './native-spans.js';
export {
  observeApiPromise,
  observeSdkResult,
  isApiPromiseLike,
  type ApiPromiseLike,
  type ApiPromiseObserver,
  type ResponseProps,
  type ParseResponse,
  type SettledCall,
} from './sdk/api-promise.js';
export {
  observeSdkStream,
  CHUNK_OUTPUT,
  CHUNK_EVENT,
  CHUNK_HIDDEN,
  type ChunkDisposition,
  type SdkStreamAccumulator,
  type StreamCompletion,
} from './sdk/stream.js';
export { observeAsyncIterable, StreamEventObserver, type StreamEventAccumulator } from './async-iterable-stream.js';
export { ClaimedCompletion } from './claimed-completion.js';
export {
  isObject,
  isNumber,
  numberOr,
  stringOr,
  nonEmptyString,
  firstNumber,
  firstObject,
  stopSequences,
  stringify,
} from './json-utils.js';
export { functionToolCallPart, messagesText, pushContentParts, toolArguments } from './message-text.js';

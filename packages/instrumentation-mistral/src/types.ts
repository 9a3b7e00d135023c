import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { ContentRedactor, NativeSpanMode, PricingTable } from '@llmtel/core';

/** Configuration of {@link MistralInstrumentation}. Every option is optional. */
export interface MistralInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record prompts and completions as `gen_ai.input.messages` and `gen_ai.output.messages` (JSON strings, per the
   * GenAI semantic conventions).
   *
   * Default `false`. Env: `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true` turns it on when not set here.
   */
  captureMessageContent?: boolean;
  /**
   * Rewrites each captured text before it is exported (mask e-mail addresses, drop secrets, ...); return
   * `undefined` to drop the text. Only runs when content capture is on.
   *
   * Default: none. Env: none.
   */
  contentRedactor?: ContentRedactor;
  /**
   * Upper bound on the length of one content attribute; longer text parts are truncated.
   *
   * Default 32768 (32 KiB). Env: none.
   */
  maxContentLength?: number;
  /**
   * What becomes of the span `@mistralai/mistralai` (2.3 and later) starts itself for an instrumented request when the
   * app has turned the SDK's own tracing on with a tracer provider of its own (`configureTelemetry(client, provider)`,
   * `setTracerProvider`) or the global one (`MISTRAL_SDK_TELEMETRY=global`, `configureTelemetry(client, 'global')`).
   * The SDK's setting is left as the app chose it; there is one span per request, llmtel's.
   *
   * - `'merge'`: the SDK records onto the llmtel span instead of a span of its own (its HTTP attributes, and the
   *   content it always captures unless llmtel captures content itself). llmtel's own attributes, name and status win.
   * - `'suppress'`: the SDK records nothing; it still sends the trace context (now the llmtel span's).
   *
   * Default `'merge'`. Env: none.
   */
  nativeSpans?: NativeSpanMode;
  /**
   * Prices used for `llmtel.usage.cost_usd`.
   *
   * Default: the table shipped with `@llmtel/core`, merged with `LLMTEL_PRICING_FILE` when that env var is set.
   */
  pricing?: PricingTable;
}

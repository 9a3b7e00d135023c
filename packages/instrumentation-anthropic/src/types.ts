import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { ContentRedactor, NativeSpanMode, PricingTable } from '@llmtel/core';

/** Configuration of {@link AnthropicInstrumentation}. Every option is optional. */
export interface AnthropicInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record prompts and completions as `gen_ai.input.messages`, `gen_ai.output.messages` and
   * `gen_ai.system_instructions` (JSON strings, per the GenAI semantic conventions).
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
   * What becomes of the span `@anthropic-ai/sdk` (0.134 and later) starts itself for each `messages.create` call
   * while its own tracing is on (it is on by default once a global tracer provider is registered; the SDK's
   * `openTelemetry: false` client option or `ANTHROPIC_OPEN_TELEMETRY=false` turn it off, and then there is nothing
   * to merge). Either way there is exactly one span per request, llmtel's, with cost, usage and attribution, and
   * one set of token metrics; the SDK's setting is left as the user chose it.
   *
   * - `'merge'`: the SDK records onto the llmtel span instead of a span of its own: its HTTP attributes, request id,
   *   and the content it captures when its content mode is on. llmtel's own attributes, name and status win.
   * - `'suppress'`: the SDK records nothing; it still sends the trace context (now the llmtel span's).
   *
   * Default `'merge'`. Env: none.
   */
  nativeSpans?: NativeSpanMode;
  /**
   * Prices used for `llmtel.usage.cost_usd`; cache writes and cache reads are priced at their own rates.
   *
   * Default: the table shipped with `@llmtel/core`, merged with `LLMTEL_PRICING_FILE` when that env var is set.
   */
  pricing?: PricingTable;
}

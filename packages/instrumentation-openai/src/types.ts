import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { ContentRedactor, PricingTable } from '@llmtel/core';

/** Configuration of {@link OpenAIInstrumentation}. Every option is optional. */
export interface OpenAIInstrumentationConfig extends InstrumentationConfig {
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
   * For streamed chat and legacy completions whose request did not set `stream_options.include_usage`, ask the
   * endpoint for the final usage chunk anyway (only for endpoints known to accept it) and hide that extra chunk
   * from the app, so the app sees what it would have seen while the span gets the real token counts. When off,
   * or for other endpoints, a stream that reports no usage gets estimated counts (`llmtel.usage.estimated`).
   *
   * Default `true`. Env: none.
   */
  enrichStreamUsage?: boolean;
  /**
   * Prices used for `llmtel.usage.cost_usd`.
   *
   * Default: the table shipped with `@llmtel/core`, merged with `LLMTEL_PRICING_FILE` when that env var is set.
   */
  pricing?: PricingTable;
}

import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { ContentRedactor, PricingTable } from '@llmtel/core';

/** Configuration of {@link CohereInstrumentation}. Every option is optional. */
export interface CohereInstrumentationConfig extends InstrumentationConfig {
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
   * Prices used for `llmtel.usage.cost_usd`, applied to the billed token counts.
   *
   * Default: the table shipped with `@llmtel/core`, merged with `LLMTEL_PRICING_FILE` when that env var is set.
   */
  pricing?: PricingTable;
}

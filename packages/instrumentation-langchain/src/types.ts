import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { ContentRedactor, PricingTable } from '@llmtel/core';

/** Configuration of {@link LangChainInstrumentation}. Every option is optional. */
export interface LangChainInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record prompts and completions as `gen_ai.input.messages`, `gen_ai.output.messages` and
   * `gen_ai.system_instructions` on chat model and LLM spans, and tool arguments and results as
   * `gen_ai.tool.call.arguments` and `gen_ai.tool.call.result` on tool spans.
   *
   * Default `false`. Env: `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true` turns it on when not set here.
   */
  captureMessageContent?: boolean;
  /**
   * Rewrites each captured text before it is exported; return `undefined` to drop it. Only runs when content
   * capture is on.
   *
   * Default: none. Env: none.
   */
  contentRedactor?: ContentRedactor;
  /**
   * Upper bound on the length of one content attribute; longer text is truncated.
   *
   * Default 32768 (32 KiB). Env: none.
   */
  maxContentLength?: number;
  /**
   * Make an INTERNAL span for every chain run (LCEL sequences, prompt templates, graph nodes), so that model, tool
   * and agent spans nest the way the app composed them. When off, those spans are children of the nearest traced
   * run instead. Runs LangSmith hides (`langsmith:hidden`) never get a span.
   *
   * Default `true`. Env: none.
   */
  traceChains?: boolean;
  /**
   * Prices used for `llmtel.usage.cost_usd` on the model spans that own their request's usage (see the package
   * README: the provider SDK's own span owns it when that SDK is instrumented too).
   *
   * Default: the table shipped with `@llmtel/core`, merged with `LLMTEL_PRICING_FILE` when that env var is set.
   */
  pricing?: PricingTable;
}

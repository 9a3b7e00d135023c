import type { MeterProvider } from '@opentelemetry/api';
import type { PricingTable } from '@llmtel/core';

/** Configuration of {@link AiSdkSpanProcessor}. Every option is optional. */
export interface AiSdkSpanProcessorConfig {
  /**
   * Where the token, duration and cost metrics of AI SDK calls are recorded.
   *
   * Default: the global meter provider (`metrics.getMeterProvider()`), read when a call ends. Env: none.
   */
  meterProvider?: MeterProvider;
  /**
   * Prices used for `llmtel.usage.cost_usd` on the AI SDK spans that own their request's usage.
   *
   * Default: the table shipped with `@llmtel/core`, merged with `LLMTEL_PRICING_FILE` when that env var is set.
   */
  pricing?: PricingTable;
  /**
   * Instrumentation scope names of the AI SDK's tracers. `ai` is the tracer of the AI SDK's built-in telemetry
   * (v5, v6) and of `@ai-sdk/otel`'s `LegacyOpenTelemetry`; `gen_ai` is that of `@ai-sdk/otel`'s `OpenTelemetry`.
   * Add the name of a tracer you pass to the AI SDK yourself.
   *
   * Default `['ai', 'gen_ai']`. Env: none.
   */
  tracerNames?: readonly string[];
}

/** Options of {@link registerAiSdkTelemetry}. Every option is optional. */
export interface AiSdkTelemetryOptions {
  /**
   * The directory `ai` and `@ai-sdk/otel` are resolved from, as the app's own imports resolve them.
   *
   * Default: the directory of the app's entry script (`process.argv[1]`), then the working directory. Env: none.
   */
  resolveFrom?: string;
  /**
   * Whether the registered integration records prompts and completions (`@ai-sdk/otel`'s content attributes) on the
   * calls that do not set `telemetry.recordInputs` / `recordOutputs` themselves.
   *
   * Default `false`. Env `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`.
   */
  captureMessageContent?: boolean;
}

/** The integration {@link registerAiSdkTelemetry} registered. */
export interface AiSdkTelemetryRegistration {
  /** Removes the integration from the AI SDK's global list. Calls already running keep it until they end. */
  unregister(): void;
}

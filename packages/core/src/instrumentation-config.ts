import { resolveCaptureMessageContent } from './config.js';
import { GenAiTelemetry } from './telemetry.js';
import type { GenAiTelemetryOptions } from './telemetry-types.js';

/** The telemetry options of an instrumentation's config (each package documents them in its own config type). */
export type GenAiTelemetryConfig = Pick<
  GenAiTelemetryOptions,
  'captureMessageContent' | 'contentRedactor' | 'maxContentLength' | 'pricing'
>;

/**
 * The `GenAiTelemetry` of an instrumentation's config. `setConfig` builds it before it applies the config, so that a
 * bad value throws and leaves the config as it was: a `contentRedactor` that is not a function (`TypeError`), a
 * `maxContentLength` that is not a positive integer (`RangeError`). `captureMessageContent` falls back to its env var
 * (`resolveCaptureMessageContent`). `tracer` and `meter` are getters, so that the instrumentation's
 * `setTracerProvider` / `setMeterProvider` take effect for later calls.
 */
export function telemetryFromConfig(
  config: GenAiTelemetryConfig,
  providers: Pick<GenAiTelemetryOptions, 'tracer' | 'meter'>,
): GenAiTelemetry {
  if (config.contentRedactor !== undefined && typeof config.contentRedactor !== 'function') {
    throw new TypeError('contentRedactor must be a function');
  }
  return new GenAiTelemetry({
    tracer: providers.tracer,
    meter: providers.meter,
    captureMessageContent: resolveCaptureMessageContent(config.captureMessageContent),
    contentRedactor: config.contentRedactor,
    maxContentLength: config.maxContentLength,
    pricing: config.pricing,
  });
}

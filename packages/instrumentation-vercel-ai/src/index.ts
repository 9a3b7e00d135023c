export { AiSdkSpanProcessor, DEFAULT_TRACER_NAMES } from './processor.js';
export { registerAiSdkTelemetry } from './register-telemetry.js';
export type { AiSdkSpanProcessorConfig, AiSdkTelemetryOptions, AiSdkTelemetryRegistration } from './types.js';

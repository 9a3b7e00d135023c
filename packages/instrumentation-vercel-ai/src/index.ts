export { AiSdkSpanProcessor, DEFAULT_TRACER_NAMES } from './processor.js';
export type { AiSdkSpanProcessorConfig } from './types.js';

export { BedrockInstrumentation } from './instrumentation.js';
export type { BedrockInstrumentationConfig } from './types.js';

export { GoogleGenAIInstrumentation } from './instrumentation.js';
export type { GoogleGenAIInstrumentationConfig } from './types.js';

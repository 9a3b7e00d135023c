export { MistralInstrumentation } from './instrumentation.js';
export type { MistralInstrumentationConfig } from './types.js';

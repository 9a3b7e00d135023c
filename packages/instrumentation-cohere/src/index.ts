export { CohereInstrumentation } from './instrumentation.js';
export type { CohereInstrumentationConfig } from './types.js';

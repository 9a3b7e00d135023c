export { LangChainInstrumentation } from './instrumentation.js';
export { LlmtelCallbackHandler } from './handler.js';
export type { LangChainInstrumentationConfig } from './types.js';

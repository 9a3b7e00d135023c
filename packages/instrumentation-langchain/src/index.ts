export { LangChainInstrumentation } from './instrumentation.js';
export { LlmtelCallbackHandler } from './handler.js';
export { ATTR_LLMTEL_CACHE_HIT } from './cache.js';
export type { LangChainInstrumentationConfig } from './types.js';

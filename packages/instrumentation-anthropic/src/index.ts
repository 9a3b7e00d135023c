export { AnthropicInstrumentation } from './instrumentation.js';
export type { AnthropicInstrumentationConfig } from './types.js';

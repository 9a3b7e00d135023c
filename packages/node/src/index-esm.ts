// The ESM entry point re-exports the CJS build, so `import` and `require` users (and `register`) share one SDK and
// one copy of every OpenTelemetry package.
import { createRequire } from 'node:module';
import type * as Api from './index.js';

const cjs = createRequire(import.meta.url)('@llmtel/node') as typeof Api;

export const start: typeof Api.start = cjs.start;
export const shutdown: typeof Api.shutdown = cjs.shutdown;
export type {
  LlmtelNodeOptions,
  LlmtelNodeHandle,
  OtlpProtocol,
  ExporterName,
  LogLevelName,
  VercelAiIntegrationOptions,
  InstrumentationName,
  InstrumentationConfigs,
} from './index.js';

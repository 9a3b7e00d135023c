export { start, shutdown } from './start.js';
export type {
  LlmtelNodeOptions,
  LlmtelNodeHandle,
  OtlpProtocol,
  ExporterName,
  LogLevelName,
  VercelAiIntegrationOptions,
} from './types.js';
export type { InstrumentationName, InstrumentationConfigs } from './instrumentations.js';

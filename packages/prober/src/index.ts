export * from './semconv.js';
export { PROBE_STATUS } from './types.js';
export type {
  ProbeStatus,
  ProbeMethod,
  MonitorConfig,
  ProberConfig,
  ProbeResult,
  StatusPeriod,
  TimelinePoint,
  MonitorStatus,
  StatusResponse,
  ProberLogger,
  Clock,
} from './types.js';
export { Prober, type ProberOptions, type ProberEvents, type ReloadEvent } from './prober.js';
export { loadConfigFile, parseConfig, type LoadedConfig } from './config/load.js';
export { ConfigError, formatIssue, type ConfigIssue } from './config/errors.js';
export { ConfigWatcher, type ConfigWatcherOptions } from './config/watch.js';
export { parseDuration, formatDuration } from './duration.js';
export { HistoryStore, HISTORY_RETENTION_MS, type HistoryPoint, type HistoryStoreOptions } from './history.js';
export { historyKey, monitorTag } from './keys.js';
export { runProbe, createProbeAgents, type ProbeAgents } from './probe.js';
export { Scheduler, realClock, type SchedulerOptions, type RoundInfo } from './scheduler.js';
export { bucketTimeline, buildStatus, periodRange, PERIODS } from './status.js';
export { createStatusServer, type StatusSource } from './server.js';
export { ProbeTelemetry, type ProbeTelemetryOptions } from './telemetry.js';
export { consoleLogger, redactingLogger } from './logger.js';
export { apiKeyEnvName, classifyHttp, redactUrl } from './utils.js';
export {
  resolveConfigPath,
  resolveListen,
  resolveRedisUrl,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_REDIS_URL,
} from './env.js';

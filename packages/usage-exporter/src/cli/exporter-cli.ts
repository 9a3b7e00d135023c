/** `llmtel-usage-exporter`: flags override the environment, which overrides the defaults. */
import { parseArgs } from 'node:util';
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import {
  DEFAULT_HOST,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_METRICS_TOP_USERS,
  DEFAULT_PORT,
  DEFAULT_REDIS_URL,
  ENV_API_TOKEN,
  ENV_HOST,
  ENV_MAX_BODY_BYTES,
  ENV_METRICS_TOP_USERS,
  ENV_PORT,
  ENV_REDIS_URL,
} from '../config.js';
import { UsageExporter } from '../exporter.js';
import type { UsageExporterConfig } from '../types.js';

export const EXPORTER_USAGE_TEXT = `Usage: llmtel-usage-exporter [options]

Receives GenAI spans over OTLP/HTTP (POST /v1/traces) and stores per-user usage in Redis.

Options (each overrides its environment variable):
  --redis-url URL            $${ENV_REDIS_URL}, default ${DEFAULT_REDIS_URL}
                             (redis://user:pass@host:port/db, rediss:// for TLS, host1:port,host2:port for a cluster)
  --host HOST                $${ENV_HOST}, default ${DEFAULT_HOST}
  --port PORT                $${ENV_PORT}, default ${DEFAULT_PORT}
  --max-body-bytes N         $${ENV_MAX_BODY_BYTES}, default ${DEFAULT_MAX_BODY_BYTES}
  --metrics-top-users N      $${ENV_METRICS_TOP_USERS}, default ${DEFAULT_METRICS_TOP_USERS}
  -h, --help

The query API (/v1/usage, /v1/limits) is on only when $${ENV_API_TOKEN} is set; the token is read from the
environment alone so that it never shows in process listings.`;

/** Parses flags into exporter configuration; throws with a usage message on bad flags. */
export function parseExporterArgs(argv: string[]): UsageExporterConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      'redis-url': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'metrics-top-users': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const int = (raw: string | undefined, name: string): number | undefined => {
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a non-negative integer`);
    return Number(raw);
  };
  const config: UsageExporterConfig = {};
  if (values['redis-url'] !== undefined) config.redisUrl = values['redis-url'];
  if (values.host !== undefined) config.host = values.host;
  const port = int(values.port, 'port');
  if (port !== undefined) config.port = port;
  const maxBody = int(values['max-body-bytes'], 'max-body-bytes');
  if (maxBody !== undefined) config.maxBodyBytes = maxBody;
  const topUsers = int(values['metrics-top-users'], 'metrics-top-users');
  if (topUsers !== undefined) config.metricsTopUsers = topUsers;
  return config;
}

/** Runs the service until SIGINT/SIGTERM, then shuts down gracefully. */
export async function runExporterCli(argv: string[]): Promise<void> {
  diag.setLogger(new DiagConsoleLogger(), { logLevel: DiagLogLevel.INFO, suppressOverrideMessage: true });
  let config: UsageExporterConfig | 'help';
  let exporter: UsageExporter;
  try {
    config = parseExporterArgs(argv);
    if (config === 'help') {
      console.log(EXPORTER_USAGE_TEXT);
      return;
    }
    exporter = new UsageExporter(config);
    await exporter.start();
  } catch (err) {
    console.error(`llmtel-usage-exporter: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      diag.warn(`llmtel-usage-exporter: ${signal} again, exiting now`);
      process.exit(1);
    }
    stopping = true;
    diag.info(`llmtel-usage-exporter: ${signal}, shutting down`);
    exporter.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        diag.error('llmtel-usage-exporter: shutdown failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

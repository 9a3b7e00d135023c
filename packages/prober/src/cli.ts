#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startNodeSdk } from '@opentelemetry/sdk-node';
import { Redis } from 'ioredis';
import { ConfigError } from './config/errors.js';
import { loadConfigFile } from './config/load.js';
import { resolveConfigPath, resolveListen, resolveRedisUrl } from './env.js';
import { consoleLogger } from './logger.js';
import { Prober } from './prober.js';
import { createStatusServer } from './server.js';

const USAGE = `Usage: llmtel-prober --config <prober.yaml>

Probes LLM endpoints, keeps their history in Redis, exports OTel metrics and spans, serves a status page.

Options:
  -c, --config <file>  the YAML config (or LLMTEL_PROBER_CONFIG)
  -v, --verbose        log every probe, not only status changes
  -h, --help           show this help

Environment:
  LLMTEL_PROBER_CONFIG   config file, when --config is not given
  LLMTEL_PROBER_HOST     listen address (default 0.0.0.0)
  LLMTEL_PROBER_PORT     listen port (default 8080)
  LLMTEL_REDIS_URL       Redis for the history (default redis://127.0.0.1:6379)
  MONITOR_<PROVIDER>_<SERVICE>_API_KEY   a monitor's API key, wins over the file
  OTEL_*                 standard OpenTelemetry SDK settings (OTLP endpoint, exporters, service name)
`;

// Whether the resource already gets a service name from the standard variables.
function hasServiceName(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OTEL_SERVICE_NAME) || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        config: { type: 'string', short: 'c' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const env = process.env;
  const configPath = resolveConfigPath(args.config, env);
  if (configPath === undefined) {
    process.stderr.write(`llmtel-prober: no config file: pass --config or set LLMTEL_PROBER_CONFIG\n\n${USAGE}`);
    return 2;
  }
  const logger = consoleLogger({ debug: args.verbose === true });

  // Validate first: a broken config exits before anything connects or starts exporting.
  try {
    loadConfigFile(configPath, env);
  } catch (err) {
    process.stderr.write(`llmtel-prober: ${err instanceof ConfigError ? err.message : String(err)}\n`);
    return 1;
  }

  // Before the prober: metric instruments bind to the meter provider that is global when they are created.
  const sdk = startNodeSdk({
    ...(hasServiceName(env) ? {} : { resourceAttributes: { 'service.name': 'llmtel-prober' } }),
    // The prober emits no OTel logs; do not start a log pipeline that would only export nothing.
    logRecordProcessors: [],
  });

  const redis = new Redis(resolveRedisUrl(env), {
    lazyConnect: true,
    // Fail history writes fast while Redis is away instead of queueing them for minutes; the next probe writes again.
    maxRetriesPerRequest: 1,
  });
  let redisDown = false;
  redis.on('error', (err: Error) => {
    if (!redisDown) logger.warn(`Redis: ${err.message}`);
    redisDown = true;
  });
  redis.on('ready', () => {
    if (redisDown) logger.info('Redis: connected again');
    redisDown = false;
  });

  let prober: Prober;
  try {
    prober = new Prober({ configPath, redis, env, logger });
  } catch (err) {
    // The file changed between the check above and now.
    process.stderr.write(`llmtel-prober: ${err instanceof ConfigError ? err.message : String(err)}\n`);
    redis.disconnect();
    await sdk.shutdown().catch(() => {});
    return 1;
  }

  redis.connect().catch(() => {
    // Reported by the 'error' handler; ioredis keeps reconnecting.
  });

  const { host, port } = resolveListen(env, logger);
  const server = createStatusServer(prober, prober.logger);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    logger.error(`cannot listen on ${host}:${port}: ${(err as Error).message}`);
    await prober.stop();
    redis.disconnect();
    await sdk.shutdown().catch(() => {});
    return 1;
  }
  const address = server.address();
  const shownPort = typeof address === 'object' && address !== null ? address.port : port;
  logger.info(`status page and API on http://${host}:${shownPort}/`);
  prober.start();

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) {
        logger.warn(`${signal} again: exiting now`);
        process.exit(1);
      }
      stopping = true;
      logger.info(`${signal}: stopping; waiting for probes in flight`);
      void (async () => {
        await prober.stop();
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeIdleConnections();
        });
        await redis.quit().catch(() => redis.disconnect());
        await sdk.shutdown().catch((err: unknown) => logger.warn(`OTel SDK shutdown: ${(err as Error).message}`));
        logger.info('stopped');
        resolve(0);
      })();
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`llmtel-prober: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);

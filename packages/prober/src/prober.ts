import { EventEmitter } from 'node:events';
import { type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import { type Redis } from 'ioredis';
import { type ConfigError } from './config/errors.js';
import { loadConfigFile, type LoadedConfig } from './config/load.js';
import { ConfigWatcher } from './config/watch.js';
import { formatDuration } from './duration.js';
import { HistoryStore } from './history.js';
import { consoleLogger, redactingLogger } from './logger.js';
import { createProbeAgents, runProbe, type ProbeAgents } from './probe.js';
import { realClock, Scheduler, type RoundInfo } from './scheduler.js';
import { buildStatus } from './status.js';
import { ProbeTelemetry } from './telemetry.js';
import {
  PROBE_STATUS,
  type Clock,
  type MonitorConfig,
  type ProbeResult,
  type ProberConfig,
  type ProberLogger,
  type StatusPeriod,
  type StatusResponse,
} from './types.js';
import { monitorId } from './utils.js';

export interface ProberOptions {
  /** The YAML config file; watched for changes unless `watch` is false. */
  configPath: string;
  /** Redis for the probe history. The prober uses it but does not close it. */
  redis: Redis;
  /** Environment for `${env:...}` and `MONITOR_*_API_KEY`. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Watch the config file. Default true. */
  watch?: boolean;
  logger?: ProberLogger;
  meterProvider?: MeterProvider;
  tracerProvider?: TracerProvider;
  /** Time and timers; tests inject their own. */
  clock?: Clock;
  /** Jitter source, [0, 1). */
  random?: () => number;
  /** History retention. Default 30 days. */
  retentionMs?: number;
}

/** The outcome of a config reload, as emitted in the `reload` event. */
export type ReloadEvent = { ok: true; config: ProberConfig } | { ok: false; error: ConfigError | Error };

export interface ProberEvents {
  round: [RoundInfo];
  result: [ProbeResult];
  reload: [ReloadEvent];
  skip: [MonitorConfig];
}

const STATUS_NAMES = { [PROBE_STATUS.RED]: 'red', [PROBE_STATUS.GREEN]: 'green', [PROBE_STATUS.YELLOW]: 'yellow' };

/**
 * The synthetic prober: loads and watches the config, probes every monitor each interval, stores each result in
 * Redis and reports it as OTel metrics and a span. Emits `round`, `result`, `reload` and `skip` events.
 */
export class Prober extends EventEmitter<ProberEvents> {
  readonly history: HistoryStore;
  readonly logger: ProberLogger;
  private loaded: LoadedConfig;
  private readonly opts: ProberOptions;
  private readonly clock: Clock;
  private readonly telemetry: ProbeTelemetry;
  private readonly scheduler: Scheduler;
  private readonly watcher: ConfigWatcher | undefined;
  private agents: ProbeAgents;
  private readonly lastStatus = new Map<string, number>();
  private historyFailing = false;
  private started = false;
  private stopping: Promise<void> | undefined;

  /** Loads the config; throws a ConfigError naming each bad monitor and field when it is invalid. */
  constructor(opts: ProberOptions) {
    super();
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.loaded = loadConfigFile(opts.configPath, opts.env);
    this.logger = redactingLogger(opts.logger ?? consoleLogger(), () => this.secrets());
    this.history = new HistoryStore(opts.redis, { retentionMs: opts.retentionMs, now: () => this.clock.now() });
    this.telemetry = new ProbeTelemetry({ meterProvider: opts.meterProvider, tracerProvider: opts.tracerProvider });
    this.agents = createProbeAgents(this.loaded.config.concurrency);
    this.scheduler = new Scheduler({
      clock: this.clock,
      random: opts.random,
      logger: this.logger,
      getConfig: () => this.loaded.config,
      probe: (m) => this.probe(m),
      beforeRound: () => this.watcher?.check(),
      onRound: (info) => this.emit('round', info),
      onSkip: (m) => this.emit('skip', m),
    });
    if (opts.watch !== false) {
      this.watcher = new ConfigWatcher({
        current: this.loaded,
        env: opts.env,
        logger: this.logger,
        onChange: (next) => this.apply(next),
        onReject: (error) => this.emit('reload', { ok: false, error }),
      });
    }
  }

  /** The running config. */
  get config(): ProberConfig {
    return this.loaded.config;
  }

  /** Starts watching the config and probing; the first round starts now. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const c = this.loaded.config;
    this.logger.info(
      `probing ${c.monitors.length} monitor(s) every ${formatDuration(c.intervalMs)} ` +
        `(timeout ${formatDuration(c.timeoutMs)}, slow above ${formatDuration(c.slowThresholdMs)})`,
    );
    this.watcher?.start();
    this.scheduler.start();
  }

  /**
   * Stops scheduling, lets in-flight probes finish (and store their result), then releases connections. The gauges
   * keep reporting the last results, so the SDK's final export on shutdown still carries them.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.watcher?.close();
      await this.scheduler.stop();
      this.agents.destroy();
    })();
    return this.stopping;
  }

  /** The status API's answer for the configured monitors, optionally filtered by provider and/or service. */
  status(period: StatusPeriod, filter: { provider?: string; service?: string } = {}): Promise<StatusResponse> {
    const monitors = this.loaded.config.monitors.filter(
      (m) =>
        (filter.provider === undefined || m.provider === filter.provider) &&
        (filter.service === undefined || m.service === filter.service),
    );
    return buildStatus(this.history, monitors, period, this.clock.now());
  }

  /** Number of configured monitors (for `/health`). */
  monitorCount(): number {
    return this.loaded.config.monitors.length;
  }

  /** Resolves when Redis answers (for `/health`). */
  ping(): Promise<unknown> {
    return this.history.redis.ping();
  }

  private secrets(): string[] {
    const out: string[] = [];
    for (const m of this.loaded.config.monitors) if (m.apiKey !== undefined) out.push(m.apiKey);
    return out;
  }

  private apply(next: LoadedConfig): void {
    const before = this.loaded.config;
    this.loaded = next;
    const c = next.config;
    if (c.concurrency !== before.concurrency) {
      // Sockets in use finish on the old pool; new probes use the new size.
      const old = this.agents;
      this.agents = createProbeAgents(c.concurrency);
      setTimeout(() => old.destroy(), before.timeoutMs * 2).unref();
    }
    const keep = new Set(c.monitors.map(monitorId));
    for (const id of this.lastStatus.keys()) if (!keep.has(id)) this.lastStatus.delete(id);
    this.telemetry.setMonitors(c.monitors);
    this.logger.info(
      `config reloaded: ${c.monitors.length} monitor(s) every ${formatDuration(c.intervalMs)}, from the next round`,
    );
    this.scheduler.reschedule();
    this.emit('reload', { ok: true, config: c });
  }

  private async probe(monitor: MonitorConfig): Promise<void> {
    const span = this.telemetry.startSpan(monitor);
    const result = await runProbe(monitor, this.agents, () => this.clock.now());
    this.telemetry.record(span, result);
    this.logResult(result);
    try {
      await this.history.record(result);
      if (this.historyFailing) this.logger.info('history writes to Redis work again');
      this.historyFailing = false;
    } catch (err) {
      if (!this.historyFailing) this.logger.error(`cannot store probe history in Redis: ${(err as Error).message}`);
      this.historyFailing = true;
    }
    this.emit('result', result);
  }

  private logResult(r: ProbeResult): void {
    const id = monitorId(r);
    const previous = this.lastStatus.get(id);
    this.lastStatus.set(id, r.status);
    const text = `${id} ${STATUS_NAMES[r.status]} in ${r.latencyMs}ms${r.errorType ? ` (${r.errorType})` : ''}`;
    if (previous === r.status) this.logger.debug(text);
    else if (r.status === PROBE_STATUS.RED) this.logger.warn(text);
    else this.logger.info(text);
  }
}

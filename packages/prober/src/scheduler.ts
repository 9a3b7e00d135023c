import { type Clock, type MonitorConfig, type ProberConfig, type ProberLogger } from './types.js';
import { monitorId } from './utils.js';

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** What the scheduler reports at the start of each round. */
export interface RoundInfo {
  round: number;
  startedAt: number;
  intervalMs: number;
  monitors: number;
}

export interface SchedulerOptions {
  clock?: Clock;
  /** Source of jitter, [0, 1). Default Math.random. */
  random?: () => number;
  logger: ProberLogger;
  /** The config to use; read once at the start of each round. */
  getConfig(): ProberConfig;
  /** Runs one probe; must not reject (errors are logged if it does). */
  probe(monitor: MonitorConfig): Promise<void>;
  /** Called first thing in each round (the prober re-checks the config file there). */
  beforeRound?(): void;
  onRound?(info: RoundInfo): void;
  /** Called when a monitor's probe is skipped because its previous one is still running. */
  onSkip?(monitor: MonitorConfig): void;
}

/**
 * Runs rounds: every `interval`, each monitor is probed once, after a random delay of up to `jitter` so monitors do
 * not all fire together. A monitor whose previous probe is still running (or queued) is skipped, never doubled; at
 * most `concurrency` probes run at once over all monitors.
 */
export class Scheduler {
  private readonly opts: SchedulerOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private roundTimer: unknown;
  private roundIntervalMs = 0;
  private lastRoundAt = 0;
  private round = 0;
  private stopped = true;
  private readonly jitterTimers = new Set<unknown>();
  /** Monitors with a probe queued or running (by id). */
  private readonly busy = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private readonly queue: (() => void)[] = [];
  private active = 0;

  constructor(opts: SchedulerOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
  }

  /** Starts the first round now. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.runRound();
  }

  /** Call after the config changed: a new interval moves the pending next round (from the last round's start). */
  reschedule(): void {
    if (this.stopped || this.roundTimer === undefined) return;
    const intervalMs = this.opts.getConfig().intervalMs;
    if (intervalMs === this.roundIntervalMs) return;
    this.clock.clearTimeout(this.roundTimer);
    this.setRoundTimer(Math.max(0, this.lastRoundAt + intervalMs - this.clock.now()), intervalMs);
  }

  private setRoundTimer(delayMs: number, intervalMs: number): void {
    this.roundIntervalMs = intervalMs;
    this.roundTimer = this.clock.setTimeout(() => {
      this.roundTimer = undefined;
      this.runRound();
    }, delayMs);
  }

  private runRound(): void {
    if (this.stopped) return;
    try {
      this.opts.beforeRound?.();
    } catch (err) {
      this.opts.logger.error(`before-round hook failed: ${(err as Error).message}`);
    }
    const config = this.opts.getConfig();
    this.lastRoundAt = this.clock.now();
    this.round++;
    // The next round is timed from this round's start, so probe durations do not stretch the interval.
    this.setRoundTimer(config.intervalMs, config.intervalMs);
    this.opts.onRound?.({
      round: this.round,
      startedAt: this.lastRoundAt,
      intervalMs: config.intervalMs,
      monitors: config.monitors.length,
    });
    for (const monitor of config.monitors) {
      const jitter = Math.floor(this.random() * config.jitterMs);
      if (jitter <= 0) {
        this.dispatch(monitor, config.concurrency);
        continue;
      }
      const handle = this.clock.setTimeout(() => {
        this.jitterTimers.delete(handle);
        this.dispatch(monitor, config.concurrency);
      }, jitter);
      this.jitterTimers.add(handle);
    }
  }

  private dispatch(monitor: MonitorConfig, concurrency: number): void {
    if (this.stopped) return;
    const id = monitorId(monitor);
    if (this.busy.has(id)) {
      this.opts.logger.debug(`probe ${id} skipped: the previous one is still running`);
      this.opts.onSkip?.(monitor);
      return;
    }
    this.busy.add(id);
    const run = () => {
      this.active++;
      const task = this.opts
        .probe(monitor)
        .catch((err: unknown) => this.opts.logger.error(`probe ${id} failed: ${(err as Error).message}`))
        .finally(() => {
          this.active--;
          this.busy.delete(id);
          this.running.delete(task);
          this.next(concurrency);
        });
      this.running.add(task);
    };
    if (this.active < concurrency) run();
    else this.queue.push(run);
  }

  private next(concurrency: number): void {
    while (!this.stopped && this.active < concurrency && this.queue.length > 0) this.queue.shift()!();
  }

  /** Number of probes running now. */
  get inFlight(): number {
    return this.active;
  }

  /** Stops scheduling, drops queued probes and waits for the running ones to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.roundTimer !== undefined) this.clock.clearTimeout(this.roundTimer);
    this.roundTimer = undefined;
    for (const handle of this.jitterTimers) this.clock.clearTimeout(handle);
    this.jitterTimers.clear();
    this.queue.length = 0;
    this.busy.clear();
    await Promise.allSettled([...this.running]);
  }
}

import { existsSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type ProberLogger } from '../types.js';
import { ConfigError } from './errors.js';
import { INCLUDE_DIR } from './include.js';
import { loadConfigFile, type LoadedConfig } from './load.js';

export interface ConfigWatcherOptions {
  /** The config that is running now. */
  current: LoadedConfig;
  env?: NodeJS.ProcessEnv;
  logger: ProberLogger;
  /** Called with each valid, changed config. */
  onChange(loaded: LoadedConfig): void;
  /** Called with each rejected change (logged once per distinct content). */
  onReject?(error: Error): void;
  /** Wait after the last file event before reloading, so a half-written file is not read. Default 100 ms. */
  debounceMs?: number;
}

/**
 * Watches the config file (and its `data/` directory) and reloads on change. The directory is watched rather than the
 * file, because editors and config-map updates replace the file by renaming, which ends a watch on the old inode.
 * A change that does not validate is logged once and the running config is kept.
 */
export class ConfigWatcher {
  private readonly opts: ConfigWatcherOptions;
  private current: LoadedConfig;
  private lastRejected: string | undefined;
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: ConfigWatcherOptions) {
    this.opts = opts;
    this.current = opts.current;
  }

  start(): void {
    const dir = dirname(this.current.path);
    const file = basename(this.current.path);
    this.watchDir(dir, (name) => name === null || name === file);
    const dataDir = join(dir, INCLUDE_DIR);
    if (existsSync(dataDir)) this.watchDir(dataDir, () => true);
  }

  private watchDir(dir: string, relevant: (name: string | null) => boolean): void {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        if (relevant(name === null ? null : String(name))) this.schedule();
      });
      w.on('error', (err) => this.opts.logger.warn(`config watch on ${dir} failed: ${err.message}`));
      this.watchers.push(w);
    } catch (err) {
      // Reload still happens through check() at the start of each round.
      this.opts.logger.warn(`cannot watch ${dir} (${(err as Error).message}); changes are picked up each round`);
    }
  }

  private schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.check();
    }, this.opts.debounceMs ?? 100);
    this.timer.unref();
  }

  /** Re-reads the config now. Returns true when a new valid config was applied. */
  check(): boolean {
    let loaded: LoadedConfig;
    try {
      loaded = loadConfigFile(this.current.path, this.opts.env);
    } catch (err) {
      const fingerprint = err instanceof ConfigError ? err.fingerprint : undefined;
      if (fingerprint === undefined || fingerprint !== this.lastRejected) {
        this.lastRejected = fingerprint;
        this.opts.logger.error(`config reload rejected, keeping the running config. ${(err as Error).message}`);
        this.opts.onReject?.(err as Error);
      }
      return false;
    }
    this.lastRejected = undefined;
    if (loaded.fingerprint === this.current.fingerprint) return false;
    this.current = loaded;
    this.opts.onChange(loaded);
    return true;
  }

  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }
}

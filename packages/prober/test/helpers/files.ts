import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A temporary config directory (with `data/`) removed by `cleanup()`. */
export interface ConfigDir {
  dir: string;
  configPath: string;
  /** Replaces the config file atomically (write + rename), as editors and config maps do. */
  writeConfig(text: string): void;
  /** Writes a file relative to the directory. */
  write(rel: string, text: string): string;
  cleanup(): void;
}

let counter = 0;

export function makeConfigDir(): ConfigDir {
  const dir = mkdtempSync(join(tmpdir(), 'llmtel-prober-'));
  mkdirSync(join(dir, 'data'));
  const configPath = join(dir, 'prober.yaml');
  const write = (rel: string, text: string) => {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  };
  return {
    dir,
    configPath,
    writeConfig(text) {
      const tmp = join(dir, `.prober.yaml.${process.pid}.${counter++}.tmp`);
      writeFileSync(tmp, text);
      renameSync(tmp, configPath);
    },
    write,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// Loads the Lua scripts shipped in the package's `lua/` directory and registers them on an ioredis client.
// The directory is found relative to this file: in the CommonJS build through __dirname, in the ES module build
// through index-esm.ts, which passes it in from import.meta.url (import.meta cannot appear in this file, which is
// also compiled to CommonJS). Both builds sit two levels below the package root (dist/esm, dist/cjs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Cluster, type Redis } from 'ioredis';

export const RECORD_BATCH_COMMAND = 'llmtelUsageRecordBatch';
export const BUDGET_RESERVE_COMMAND = 'llmtelUsageBudgetReserve';

const SCRIPTS = {
  [RECORD_BATCH_COMMAND]: 'record-batch-1.lua',
  [BUDGET_RESERVE_COMMAND]: 'budget-reserve-1.lua',
} as const;

let luaDirectory: string | undefined;
const sources = new Map<string, string>();

/** Called by the ES module entry point with `<package>/lua`. */
export function setLuaDirectory(dir: string): void {
  luaDirectory = dir;
}

function directory(): string {
  if (luaDirectory !== undefined) return luaDirectory;
  if (typeof __dirname === 'string') return join(__dirname, '..', '..', 'lua');
  throw new Error('@llmtel/usage: Lua directory unknown; import the package through its entry point');
}

/**
 * The text of a script, with the library files named on its `-- Uses:` header line prepended. The number of keys
 * is part of the file name (`<name>-<numKeys>.lua`).
 */
export function loadScript(file: string): { lua: string; numberOfKeys: number } {
  const match = /-(\d+)\.lua$/.exec(file);
  if (!match) throw new Error(`Lua script name must end in -<numKeys>.lua: ${file}`);
  let lua = sources.get(file);
  if (lua === undefined) {
    const dir = directory();
    const text = readFileSync(join(dir, file), 'utf8');
    const uses = /^-- Uses: (.+)$/m.exec(text)?.[1]?.split(/[ ,]+/).filter(Boolean) ?? [];
    lua = [...uses.map((lib) => readFileSync(join(dir, lib), 'utf8')), text].join('\n');
    sources.set(file, lua);
  }
  return { lua, numberOfKeys: Number(match[1]) };
}

/** Registers the package's scripts as custom commands (EVALSHA, falling back to EVAL after a script cache flush). */
export function defineUsageCommands(redis: Redis | Cluster): void {
  for (const [command, file] of Object.entries(SCRIPTS)) {
    if (typeof (redis as unknown as Record<string, unknown>)[command] === 'function') continue;
    redis.defineCommand(command, loadScript(file));
  }
}

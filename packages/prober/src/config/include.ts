import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** The only directory, relative to the config file, that `!include` may read from. */
export const INCLUDE_DIR = 'data';
export const INCLUDE_PREFIX = '!include';

/** True when a body value asks for an included file. */
export function isInclude(value: string): boolean {
  return value === INCLUDE_PREFIX || value.startsWith(`${INCLUDE_PREFIX} `);
}

/**
 * Resolves `!include data/<file>` against the config's directory, refusing anything that could read outside
 * `<configDir>/data`: absolute paths, `..` segments, paths not starting with `data/`, and symlinks leading out.
 * Returns the file's absolute path, or throws an Error whose message says why the path was refused.
 */
export function resolveInclude(spec: string, configDir: string): string {
  const rel = spec.slice(INCLUDE_PREFIX.length).trim();
  if (rel === '')
    throw new Error(`"${INCLUDE_PREFIX}" needs a file, e.g. "${INCLUDE_PREFIX} ${INCLUDE_DIR}/body.json"`);
  if (isAbsolute(rel) || /^[A-Za-z]:/.test(rel) || rel.startsWith('\\')) {
    throw new Error(`refused to include "${rel}": absolute paths are not allowed, use "${INCLUDE_DIR}/<file>"`);
  }
  const parts = rel.split(/[\\/]+/);
  if (parts.includes('..')) {
    throw new Error(`refused to include "${rel}": ".." is not allowed, files must be under ${INCLUDE_DIR}/`);
  }
  if (parts[0] !== INCLUDE_DIR || parts.length < 2 || parts[parts.length - 1] === '') {
    throw new Error(`refused to include "${rel}": only files under ${INCLUDE_DIR}/ next to the config can be included`);
  }
  const dataDir = resolve(configDir, INCLUDE_DIR);
  const target = resolve(configDir, ...parts);
  let realData: string;
  let realTarget: string;
  try {
    realData = realpathSync(dataDir);
    realTarget = realpathSync(target);
  } catch (err) {
    throw new Error(`cannot include "${rel}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const inside = relative(realData, realTarget);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    throw new Error(`refused to include "${rel}": it resolves outside ${INCLUDE_DIR}/ (symbolic link)`);
  }
  return join(realData, inside);
}

/** Reads an include resolved by {@link resolveInclude}; `.json` files must parse, so a typo fails at load time. */
export function readInclude(file: string, rel: string): string {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    try {
      JSON.parse(text);
    } catch (err) {
      throw new Error(`"${rel}" is not valid JSON: ${(err as Error).message}`);
    }
  }
  return text;
}

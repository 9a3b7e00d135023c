import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument, type ScalarTag } from 'yaml';
import { type ProberConfig } from '../types.js';
import { ConfigError } from './errors.js';
import { INCLUDE_PREFIX, readInclude, resolveInclude } from './include.js';
import { validateConfig } from './validate.js';

/** A validated config and what it was read from. */
export interface LoadedConfig {
  config: ProberConfig;
  /** Absolute path of the config file. */
  path: string;
  /** Hash of the config file and every included file: tells a real change from a spurious watch event. */
  fingerprint: string;
}

// `body: !include data/x.json` (a YAML tag) means the same as `body: "!include data/x.json"`.
const includeTag: ScalarTag = {
  tag: INCLUDE_PREFIX,
  resolve: (value) => `${INCLUDE_PREFIX} ${value}`,
};

/**
 * Parses and validates config text. `configDir` anchors `!include`. Throws {@link ConfigError} listing every issue.
 * `onRead` sees every included file's content (the loader hashes them).
 */
export function parseConfig(
  text: string,
  opts: { source: string; configDir: string; env?: NodeJS.ProcessEnv; onRead?: (file: string, text: string) => void },
): ProberConfig {
  const doc = parseDocument(text, { customTags: [includeTag], prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      opts.source,
      doc.errors.map((e) => ({ field: '(yaml)', message: e.message.replace(/\s+/g, ' ').trim() })),
    );
  }
  const { config, issues } = validateConfig(doc.toJS(), {
    env: opts.env ?? process.env,
    include(spec) {
      const file = resolveInclude(spec, opts.configDir);
      const content = readInclude(file, spec.slice(INCLUDE_PREFIX.length).trim());
      opts.onRead?.(file, content);
      return content;
    },
  });
  if (issues.length > 0) throw new ConfigError(opts.source, issues);
  return config;
}

/** Reads, parses and validates the config file at `path`. Throws {@link ConfigError} (with a fingerprint). */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const abs = resolve(path);
  const hash = createHash('sha256');
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const error = new ConfigError(abs, [
      { field: '(file)', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` },
    ]);
    error.fingerprint = `unreadable:${(err as NodeJS.ErrnoException).code ?? ''}`;
    throw error;
  }
  hash.update(text);
  try {
    const config = parseConfig(text, {
      source: abs,
      configDir: dirname(abs),
      env,
      onRead(file, content) {
        hash.update(`\0${file}\0${content}`);
      },
    });
    return { config, path: abs, fingerprint: hash.digest('hex') };
  } catch (err) {
    if (err instanceof ConfigError) err.fingerprint = hash.digest('hex');
    throw err;
  }
}

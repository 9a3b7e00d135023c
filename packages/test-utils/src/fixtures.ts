import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Provider folder names used under the shared fixtures directory. */
export type FixtureProvider = 'openai' | 'anthropic' | 'aws.bedrock' | 'gcp.gemini' | 'gcp.vertex_ai';

/** The request half of a recorded exchange. */
export interface FixtureRequest {
  method: string;
  /** URL path exactly as sent (percent-encoding kept). */
  path: string;
  /** Query string without the leading `?`, only when the URL had one. */
  query?: string;
  headers?: Record<string, string>;
  /** Parsed JSON request body, or null when none / not recorded. */
  body: unknown;
}

/** The response half of a recorded exchange. Exactly one of `body`, `sse`, `base64`, `text` is present. */
export interface FixtureResponse {
  status: number;
  /** Allow-listed response headers, names lower-cased. */
  headers: Record<string, string>;
  /** Parsed JSON body; replayed as `JSON.stringify(body)`. */
  body?: unknown;
  /** `text/event-stream` body, byte-exact. */
  sse?: string;
  /** Binary body (e.g. `application/vnd.amazon.eventstream`), base64 of the exact bytes. */
  base64?: string;
  /** Any other text body. */
  text?: string;
}

/** Token counts exactly as the provider reported them (see the fixtures README for the per-provider mapping). */
export interface FixtureUsage {
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  reasoning_tokens?: number | null;
  /** Where in the response these numbers were read. */
  from?: string;
  /** The provider's own usage object(s), verbatim. */
  raw?: unknown;
}

/**
 * One recorded (or synthesised) provider exchange, in the format described in the shared fixtures README
 * (`<fixtures dir>/README.md`).
 */
export interface Fixture {
  provider: FixtureProvider | (string & {});
  operation: string;
  /** The request asked for a streamed response. */
  stream: boolean;
  /** `<owner/repo>@<commit>:<path>` for recordings; `synthetic:<helper>` for fixtures made by this package. */
  source: string;
  request: FixtureRequest;
  response: FixtureResponse;
  /** null for errors and responses that report no token counts. */
  usage: FixtureUsage | null;
  notes?: string[];
  /** File name without `.json`; set by {@link loadFixture} / {@link loadFixtures}. */
  name?: string;
  /** True for exchanges made up by this package's `synthetic*` helpers rather than recorded against a real API. */
  synthetic?: boolean;
}

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 10; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const json = JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown };
      if (json.workspaces !== undefined) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('@llmtel/test-utils: could not find the repository root (a package.json with "workspaces")');
}

/**
 * The directory holding `<provider>/<name>.json` fixture files.
 *
 * Env var `LLMTEL_FIXTURES_DIR` overrides it; the default is `<repo root>/../shared/fixtures` (the shared folder sits
 * beside the clone).
 */
export function fixturesDir(): string {
  return process.env.LLMTEL_FIXTURES_DIR ?? join(findRepoRoot(), '..', 'shared', 'fixtures');
}

function listNames(provider: string): string[] {
  const dir = join(fixturesDir(), provider);
  if (!existsSync(dir)) throw new Error(`@llmtel/test-utils: no fixtures directory for provider "${provider}": ${dir}`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/**
 * Reads one fixture, `<fixtures dir>/<provider>/<name>.json`. Each call returns a fresh object, so tests may mutate it.
 *
 * @param provider provider folder, e.g. `'openai'`
 * @param name file name without `.json`, e.g. `'streaming-chat-completions-records-usage'`
 * @throws when the file does not exist (the message lists the available names)
 */
export function loadFixture(provider: FixtureProvider | (string & {}), name: string): Fixture {
  const file = join(fixturesDir(), provider, `${name}.json`);
  if (!existsSync(file)) {
    throw new Error(
      `@llmtel/test-utils: fixture ${provider}/${name} not found (${file}); available: ${listNames(provider).join(', ')}`,
    );
  }
  const fixture = JSON.parse(readFileSync(file, 'utf8')) as Fixture;
  fixture.name = name;
  return fixture;
}

/** Reads every fixture of one provider, sorted by name (so multi-exchange recordings `-1`, `-2` stay in order). */
export function loadFixtures(provider: FixtureProvider | (string & {})): Fixture[] {
  return listNames(provider).map((name) => loadFixture(provider, name));
}

/**
 * Reads a fixture a package keeps itself, `<dir>/<name>.json` (e.g. `new URL('./fixtures/', import.meta.url)` from a
 * test helper). Each call returns a fresh object.
 */
export function loadFixtureFrom(dir: URL, name: string): Fixture {
  const fixture = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Fixture;
  fixture.name = name;
  return fixture;
}

import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfigFile, parseDuration } from '@llmtel/prober';
import { makeConfigDir } from './helpers/files.ts';

const dirs: ReturnType<typeof makeConfigDir>[] = [];
after(() => dirs.forEach((d) => d.cleanup()));

function setup(yaml: string, files: Record<string, string> = {}) {
  const d = makeConfigDir();
  dirs.push(d);
  for (const [rel, text] of Object.entries(files)) d.write(rel, text);
  d.writeConfig(yaml);
  return d;
}

function loadError(yaml: string, env: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}): ConfigError {
  const d = setup(yaml, files);
  try {
    loadConfigFile(d.configPath, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('the config was accepted');
}

const BASE = `
monitors:
  - provider: openai
    service: chat
    url: http://127.0.0.1:9/v1/chat/completions
    method: POST
`;

describe('config loading', () => {
  it('applies the defaults: 1m interval, 10s timeout, 5s slow threshold, GET', () => {
    const d = setup(`monitors:\n  - { provider: p, service: s, url: "http://127.0.0.1:9/" }\n`);
    const { config } = loadConfigFile(d.configPath, {});
    assert.equal(config.intervalMs, 60_000);
    assert.equal(config.timeoutMs, 10_000);
    assert.equal(config.slowThresholdMs, 5_000);
    assert.equal(config.jitterMs, 5_000);
    assert.equal(config.monitors[0]!.method, 'GET');
    assert.equal(config.monitors[0]!.timeoutMs, 10_000);
  });

  it('parses durations with units and per-monitor overrides', () => {
    const d = setup(`
interval: 30s
timeout: 1m30s
slow_threshold: 500ms
jitter: 0s
monitors:
  - { provider: p, service: s, url: "http://127.0.0.1:9/", timeout: 2s, slow_threshold: 1s }
`);
    const { config } = loadConfigFile(d.configPath, {});
    assert.deepEqual(
      [config.intervalMs, config.timeoutMs, config.slowThresholdMs, config.jitterMs],
      [30_000, 90_000, 500, 0],
    );
    assert.deepEqual([config.monitors[0]!.timeoutMs, config.monitors[0]!.slowThresholdMs], [2_000, 1_000]);
    assert.equal(parseDuration('60'), undefined, 'a bare number has no unit and is refused');
    assert.equal(parseDuration('1h'), 3_600_000);
  });

  it('names the monitor and the field of every problem', () => {
    const err = loadError(`
interval: soon
monitors:
  - provider: openai
    service: chat
    url: http://127.0.0.1:9/
    method: FETCH
  - provider: openai
    service: embeddings
    method: POST
  - provider: openai
    service: chat
    url: http://127.0.0.1:9/
`);
    const lines = err.issues.map((i) => `${i.monitor ?? ''} | ${i.field}`);
    assert.ok(lines.includes(' | interval'), lines.join('\n'));
    assert.ok(lines.includes('openai/chat (monitors[0]) | method'), lines.join('\n'));
    assert.ok(lines.includes('openai/embeddings (monitors[1]) | url'), lines.join('\n'));
    assert.ok(lines.includes('openai/chat (monitors[2]) | service'), lines.join('\n'));
    assert.match(
      err.message,
      /monitor openai\/chat \(monitors\[0\]\): method: "FETCH" is not one of GET, POST, PUT, DELETE, PATCH/,
    );
    assert.match(err.message, /monitor openai\/embeddings \(monitors\[1\]\): url: is required/);
    assert.match(err.message, /interval: "soon" is not a duration/);
    assert.match(err.message, /provider \+ service must be unique/);
  });

  it('refuses missing names, unknown fields, a GET with a body and a slow threshold above the timeout', () => {
    const err = loadError(`
monitors:
  - service: chat
    url: http://127.0.0.1:9/
  - provider: p
    service: s
    url: http://127.0.0.1:9/
    body: "{}"
    slow_treshold: 2s
    timeout: 1s
    slow_threshold: 2s
`);
    const text = err.message;
    assert.match(text, /monitors\[0\]: provider: is required/);
    assert.match(text, /p\/s \(monitors\[1\]\): slow_treshold: unknown field/);
    assert.match(text, /p\/s \(monitors\[1\]\): body: a GET probe cannot send a body/);
    assert.match(text, /p\/s \(monitors\[1\]\): slow_threshold: must be less than the timeout/);
  });

  it('refuses an empty monitor list and YAML syntax errors', () => {
    assert.match(loadError('interval: 1m\n').message, /monitors: is required/);
    assert.match(loadError('monitors: [\n').message, /\(yaml\)/);
  });

  it('substitutes ${env:VAR} and ${env:VAR:-default}, and refuses a missing variable without default', () => {
    const yaml = `
monitors:
  - provider: openai
    service: chat
    url: \${env:BASE_URL:-http://127.0.0.1:9/v1}/chat/completions
    headers: { x-team: "\${env:TEAM}" }
`;
    const d = setup(yaml);
    const withDefault = loadConfigFile(d.configPath, { TEAM: 'core' }).config.monitors[0]!;
    assert.equal(withDefault.url, 'http://127.0.0.1:9/v1/chat/completions');
    assert.equal(withDefault.headers['x-team'], 'core');
    const overridden = loadConfigFile(d.configPath, { TEAM: 'core', BASE_URL: 'http://127.0.0.2:8/v2' }).config;
    assert.equal(overridden.monitors[0]!.url, 'http://127.0.0.2:8/v2/chat/completions');
    const err = loadError(yaml, {});
    assert.match(err.message, /openai\/chat \(monitors\[0\]\): x-team: environment variable TEAM is not set/);
  });
});

describe('API keys', () => {
  const yaml = `
monitors:
  - provider: open-ai
    service: chat.v1
    url: http://127.0.0.1:9/v1/chat/completions?key={{API_KEY}}
    method: POST
    api_key: sk-from-file-1234
    headers:
      Authorization: Bearer {{API_KEY}}
    body: '{"user": "{{API_KEY}}-tag"}'
`;

  it('substitutes {{API_KEY}} in url, headers and body', () => {
    const m = loadConfigFile(setup(yaml).configPath, {}).config.monitors[0]!;
    assert.equal(m.apiKey, 'sk-from-file-1234');
    assert.equal(m.headers.Authorization, 'Bearer sk-from-file-1234');
    assert.equal(m.body, '{"user": "sk-from-file-1234-tag"}');
    assert.equal(new URL(m.url).searchParams.get('key'), 'sk-from-file-1234');
  });

  it('takes MONITOR_<PROVIDER>_<SERVICE>_API_KEY over the file (upper case, "-" and "." as "_")', () => {
    const env = { MONITOR_OPEN_AI_CHAT_V1_API_KEY: 'sk-from-env-5678' };
    const m = loadConfigFile(setup(yaml).configPath, env).config.monitors[0]!;
    assert.equal(m.apiKey, 'sk-from-env-5678');
    assert.equal(m.headers.Authorization, 'Bearer sk-from-env-5678');
    assert.ok(!m.body!.includes('sk-from-file-1234'));
  });

  it('refuses {{API_KEY}} without any key, naming the variable to set', () => {
    const err = loadError(BASE.replace('method: POST', 'headers: { Authorization: "Bearer {{API_KEY}}" }'));
    assert.match(
      err.message,
      /openai\/chat \(monitors\[0\]\): api_key: \{\{API_KEY\}\} is used in headers but no key is set \(api_key or MONITOR_OPENAI_CHAT_API_KEY\)/,
    );
  });
});

describe('!include', () => {
  const withBody = (body: string) => `${BASE}    body: ${body}\n    api_key: sk-include-key-42\n`;

  it('reads a JSON body from data/ (string form and YAML tag form) and substitutes {{API_KEY}}', () => {
    const files = { 'data/chat.json': '{"model":"gpt-4o-mini","user":"{{API_KEY}}"}' };
    for (const form of ['"!include data/chat.json"', '!include data/chat.json']) {
      const m = loadConfigFile(setup(withBody(form), files).configPath, {}).config.monitors[0]!;
      assert.equal(m.body, '{"model":"gpt-4o-mini","user":"sk-include-key-42"}', form);
    }
  });

  it('refuses absolute paths', () => {
    const err = loadError(withBody('"!include /etc/passwd"'));
    assert.match(
      err.message,
      /openai\/chat \(monitors\[0\]\): body: refused to include "\/etc\/passwd": absolute paths are not allowed/,
    );
  });

  it('refuses ".." traversal, even when it would land back in data/', () => {
    for (const path of ['data/../../secret.json', '../data/x.json', 'data/sub/../../prober.yaml']) {
      const err = loadError(withBody(`"!include ${path}"`));
      assert.match(err.message, /body: refused to include .*"\.\." is not allowed/, path);
    }
  });

  it('refuses files outside data/ and symbolic links leading out of it', () => {
    const d = setup(withBody('"!include data/link.json"'));
    writeFileSync(join(d.dir, 'outside.json'), '{"secret":true}');
    symlinkSync(join(d.dir, 'outside.json'), join(d.dir, 'data', 'link.json'));
    assert.throws(
      () => loadConfigFile(d.configPath, {}),
      /refused to include "data\/link\.json": it resolves outside data\//,
    );
    assert.match(loadError(withBody('"!include outside.json"')).message, /only files under data\//);
  });

  it('reports a missing or malformed included file', () => {
    assert.match(loadError(withBody('"!include data/nope.json"')).message, /cannot include "data\/nope\.json": ENOENT/);
    const bad = loadError(withBody('"!include data/bad.json"'), {}, { 'data/bad.json': '{"model": ' });
    assert.match(bad.message, /"data\/bad\.json" is not valid JSON/);
  });
});

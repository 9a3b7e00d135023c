import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import * as esm from '@llmtel/usage';
import { RedisNode } from './helpers/redis.ts';

const require = createRequire(import.meta.url);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoNodeModules = join(packageDir, '..', '..', 'node_modules');

function run(file: string, args: string[], cwd: string, timeout = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, timeout }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

function record(id: string): esm.UsageRecord {
  return {
    id,
    userId: 'builds',
    provider: 'openai',
    requestModel: 'gpt-4o',
    timestamp: Date.now(),
    inputTokens: 3,
    outputTokens: 2,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    estimated: false,
    costMicros: 10,
  };
}

describe('ES module and CommonJS builds', () => {
  let node: RedisNode;
  let redis: Redis;

  before(async () => {
    node = await RedisNode.start();
    redis = new Redis(node.port, node.host);
  });
  after(async () => {
    redis.disconnect();
    await node.stop();
  });

  it('both builds find their Lua scripts and share dedupe and error identity', async () => {
    const cjs = require('@llmtel/usage') as typeof esm;
    assert.notEqual(cjs.UsageStore, esm.UsageStore, 'two copies are loaded');
    const a = new esm.UsageStore(redis, { keyPrefix: 'builds' });
    const b = new cjs.UsageStore(redis, { keyPrefix: 'builds' });
    assert.deepEqual(await a.recordBatch([record('same')]), { applied: 1, duplicates: 0 });
    assert.deepEqual(await b.recordBatch([record('same')]), { applied: 0, duplicates: 1 });

    await a.setLimits('builds', { tokens: 1 });
    const guard = new cjs.BudgetGuard(b, { timeoutMs: 5000 });
    const err = await guard.reserve({ userId: 'builds', tokens: 10 }).catch((e: unknown) => e);
    assert.ok(err instanceof cjs.BudgetExceededError);
    assert.ok(err instanceof esm.BudgetExceededError, 'instanceof works across the two copies');
    assert.ok(!(new Error('x') instanceof esm.BudgetExceededError));
  });

  it('works as an installed package with exactly the files it publishes', async () => {
    const packed = JSON.parse(await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], packageDir)) as {
      files: { path: string }[];
    }[];
    const files = packed[0]!.files.map((f) => f.path);
    assert.ok(files.includes('lua/record-batch-1.lua') && files.includes('lua/lib-dates.lua'));
    assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/')));

    const app = mkdtempSync(join(tmpdir(), 'llmtel-usage-install-'));
    try {
      const installed = join(app, 'node_modules', '@llmtel', 'usage');
      for (const f of files) {
        mkdirSync(dirname(join(installed, f)), { recursive: true });
        cpSync(join(packageDir, f), join(installed, f));
      }
      for (const dep of ['ioredis', 'cluster-key-slot', '@llmtel/core', '@opentelemetry/api']) {
        mkdirSync(dirname(join(app, 'node_modules', dep)), { recursive: true });
        symlinkSync(join(repoNodeModules, dep), join(app, 'node_modules', dep));
      }
      const body = (load: string) => `${load}
const { Redis } = require('ioredis');
(async () => {
  const redis = new Redis(${node.port}, '127.0.0.1');
  const store = new UsageStore(redis, { keyPrefix: 'installed' });
  const r = await store.recordBatch([{ id: process.argv[2], userId: 'i', provider: 'p', timestamp: Date.now(),
    inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, estimated: false }]);
  console.log(JSON.stringify(r));
  redis.disconnect();
})();`;
      writeFileSync(join(app, 'app.cjs'), body("const { UsageStore } = require('@llmtel/usage');"));
      writeFileSync(
        join(app, 'app.mjs'),
        body(
          "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nimport { UsageStore } from '@llmtel/usage';",
        ),
      );
      assert.deepEqual(JSON.parse(await run(process.execPath, ['app.cjs', 'x'], app)), { applied: 1, duplicates: 0 });
      assert.deepEqual(JSON.parse(await run(process.execPath, ['app.mjs', 'x'], app)), { applied: 0, duplicates: 1 });
      assert.deepEqual(JSON.parse(await run(process.execPath, ['app.mjs', 'y'], app)), { applied: 1, duplicates: 0 });
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});

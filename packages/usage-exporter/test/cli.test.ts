import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expectedBy, makeSpans, postTraces, randomCalls, toProtobuf, utcDay, type GenAiCall } from './helpers/spans.ts';
import { startService, TOKEN, type Service } from './helpers/service.ts';
import { startRedisServer } from './helpers/redis.ts';

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const pkgDir = dirname(createRequire(import.meta.url).resolve('@llmtel/usage-exporter/package.json'));
const LLMTEL = join(pkgDir, 'dist/esm/llmtel-cli.js');
const EXPORTER = join(pkgDir, 'dist/esm/cli.js');

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [LLMTEL, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

/** Every line of an aligned table (up to a blank line and a note) ends its last column at the same place. */
function assertAligned(table: string): string[][] {
  const lines = table.trimEnd().split('\n\n')[0]!.split('\n');
  const width = lines[0]!.length;
  for (const line of lines) assert.equal(line.length, width, `misaligned line: "${line}"`);
  return lines.filter((l) => !/^-[- ]*$/.test(l)).map((l) => l.trim().split(/\s{2,}/));
}

const fmt = (n: number) => n.toLocaleString('en-US');

describe('llmtel CLI', () => {
  let svc: Service;
  let calls: GenAiCall[];
  before(async () => {
    svc = await startService();
    calls = randomCalls(120, 71, ['cli-ann', 'cli-ben'], today, 1).map((c) => ({
      ...c,
      time: Math.min(c.time, Date.now()),
    }));
    assert.equal((await postTraces(svc.url, toProtobuf(await makeSpans(calls)))).status, 200);
  });
  after(() => svc.close());

  it('usage --user U --by model prints an aligned table whose rows are the per-model sums', async () => {
    const { code, out, err } = await run(['usage', '--user', 'cli-ann', '--by', 'model', '--redis', svc.redis.url]);
    assert.equal(code, 0, err);
    const [title, , ...rest] = out.split('\n');
    assert.match(title!, /^Usage of cli-ann from \d{4}-\d{2}-\d{2}T.* to /);
    const rows = assertAligned(rest.join('\n'));
    assert.deepEqual(rows[0], [
      'MODEL',
      'REQUESTS',
      'ERRORS',
      'INPUT',
      'OUTPUT',
      'CACHE READ',
      'CACHE WRITE',
      'REASONING',
      'COST',
    ]);
    const perModel = expectedBy(
      calls.filter((c) => c.user === 'cli-ann'),
      (c) => c.model,
    );
    for (const [model, t] of perModel) {
      const row = rows.find((r) => r[0] === model);
      assert.ok(row, model);
      assert.deepEqual(
        row.slice(1, 8),
        [t.requests, t.errors, t.input_tokens, t.output_tokens, t.cache_read_tokens, 0, t.reasoning_tokens].map(fmt),
      );
    }
    const total = expectedBy(calls, (c) => c.user!).get('cli-ann')!;
    assert.deepEqual(rows.at(-1)!.slice(0, 4), [
      'TOTAL',
      fmt(total.requests),
      fmt(total.errors),
      fmt(total.input_tokens),
    ]);
  });

  it('usage --by day with --from/--to, and --json', async () => {
    const day = utcDay(Math.min(calls[0]!.time, Date.now()));
    const { code, out } = await run([
      'usage',
      '--user',
      'cli-ben',
      '--by',
      'day',
      '--from',
      day,
      '--to',
      day,
      '--json',
      '--redis',
      svc.redis.url,
    ]);
    assert.equal(code, 0);
    const report = JSON.parse(out) as { totals: { requests: number }; groups: { key: string }[] };
    assert.equal(report.totals.requests, calls.filter((c) => c.user === 'cli-ben' && utcDay(c.time) === day).length);
    assert.deepEqual(
      report.groups.map((g) => g.key),
      [day],
      'a date-only --to includes that day',
    );
  });

  it('marks a cost as incomplete when some calls had no known price', async () => {
    const unpriced: GenAiCall[] = [
      { user: 'cli-cy', model: 'gpt-4o', input: 10, output: 5, costUsd: 0.01, time: Date.now() - 1000 },
      { user: 'cli-cy', model: 'in-house-model-x', input: 10, output: 5, time: Date.now() - 1000 },
    ];
    assert.equal((await postTraces(svc.url, toProtobuf(await makeSpans(unpriced)))).status, 200);
    const { code, out, err } = await run(['usage', '--user', 'cli-cy', '--by', 'model', '--redis', svc.redis.url]);
    assert.equal(code, 0, err);
    const [table, note] = out.trimEnd().split('\n\n').slice(1);
    const rows = assertAligned(table!);
    assert.equal(rows.find((r) => r[0] === 'in-house-model-x')?.at(-1), '$0.00+');
    assert.equal(rows.find((r) => r[0] === 'gpt-4o')?.at(-1), '$0.0100');
    assert.equal(rows.at(-1)?.at(-1), '$0.0100+');
    assert.equal(note, '+ 1 request(s) without a known price: cost incomplete');
  });

  it('usage without --user lists the top users of the cycle', async () => {
    const { code, out } = await run(['usage', '--redis', svc.redis.url]);
    assert.equal(code, 0);
    const rows = assertAligned(out);
    assert.equal(rows[0]![0], 'USER');
    assert.deepEqual(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
      ['cli-ann', 'cli-ben', 'cli-cy'],
    );
  });

  it('limits set/get/delete, directly on Redis and through the query API', async () => {
    const set = await run([
      'limits',
      'set',
      'cli-ann',
      '--tokens',
      '2000000',
      '--cost',
      '12.5',
      '--redis',
      svc.redis.url,
    ]);
    assert.equal(set.code, 0, set.err);
    assert.deepEqual(assertAligned(set.out), [
      ['USER', 'TOKENS / CYCLE', 'COST / CYCLE'],
      ['cli-ann', '2,000,000', '$12.50'],
    ]);
    assert.deepEqual(await svc.store.getLimits('cli-ann'), { tokens: 2_000_000, costUsd: 12.5 });

    const env = { LLMTEL_API_TOKEN: TOKEN };
    const viaApi = await run(['limits', 'set', 'cli-ben', '--cost', '3', '--api', svc.url], env);
    assert.equal(viaApi.code, 0, viaApi.err);
    assert.deepEqual(await svc.store.getLimits('cli-ben'), { costUsd: 3 });
    const get = await run(['limits', 'get', 'cli-ben', '--api', svc.url], env);
    assert.deepEqual(assertAligned(get.out)[1], ['cli-ben', 'unlimited', '$3.00']);
    const del = await run(['limits', 'delete', 'cli-ben', '--api', svc.url], env);
    assert.equal(del.code, 0);
    assert.equal(await svc.store.getLimits('cli-ben'), undefined);
    assert.match((await run(['limits', 'get', 'cli-ben', '--redis', svc.redis.url])).out, /No limits set for cli-ben/);

    const noToken = await run(['limits', 'get', 'cli-ben', '--api', svc.url]);
    assert.equal(noToken.code, 1);
    assert.match(noToken.err, /LLMTEL_API_TOKEN/);
  });

  it('bad usage exits 2 with the usage text, before connecting anywhere', async () => {
    for (const args of [
      [],
      ['bogus'],
      ['usage', '--by', 'hour', '--user', 'x'],
      ['usage', '--from', 'May'],
      ['limits', 'set', 'x'],
      ['limits', 'set', 'x', '--tokens', '-5'],
      ['limits', 'frobnicate', 'x'],
      ['usage', '--nope'],
    ]) {
      const { code, err } = await run([...args, '--redis', 'redis://127.0.0.1:1']);
      assert.equal(code, 2, args.join(' '));
      assert.match(err, /Usage:\n {2}llmtel usage/);
    }
    const unreachable = await run(['limits', 'get', 'x', '--redis', 'redis://127.0.0.1:1']);
    assert.equal(unreachable.code, 1);
  });
});

describe('llmtel-usage-exporter binary', () => {
  it('starts from flags, stores a batch, and exits 0 after a graceful SIGTERM shutdown', async () => {
    const redis = await startRedisServer();
    const child = spawn(process.execPath, [EXPORTER, '--host', '127.0.0.1', '--port', '0', '--redis-url', redis.url], {
      env: { PATH: process.env.PATH ?? '', LLMTEL_API_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          output += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (m) resolve(m[1]!);
        });
        child.once('exit', () => reject(new Error(`exited early: ${output}`)));
      });
      assert.doesNotMatch(output, new RegExp(TOKEN), 'the token is never logged');
      const calls = randomCalls(10, 72, ['bin-user'], today, 1);
      assert.equal((await postTraces(url, toProtobuf(await makeSpans(calls)))).status, 200);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0, output);
      assert.match(output, /SIGTERM, shutting down/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await redis.stop();
    }
  });

  it('--help prints the options and exits 0', async () => {
    const child = spawn(process.execPath, [EXPORTER, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.match(out, /--redis-url URL +\$LLMTEL_REDIS_URL/);
  });
});

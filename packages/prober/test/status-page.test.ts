/// <reference lib="dom" />
// DOM types for the callbacks that run inside the page.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createStatusServer, HistoryStore, Prober, type StatusResponse } from '@llmtel/prober';
import { makeConfigDir } from './helpers/files.ts';
import { captureLogger } from './helpers/logs.ts';
import { startRedis, type TestRedis } from './helpers/redis.ts';

// Debian's chromium, installed by .ci/install-system.sh. No skip: if it cannot start, this test fails.
const CHROMIUM = process.env.LLMTEL_TEST_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACT = resolve(import.meta.dirname, '..', '..', '..', 'test-artifacts', 'prober-status-page.png');
const COLORS: Record<string, string> = {
  '1': 'rgb(31, 157, 85)',
  '2': 'rgb(227, 160, 8)',
  '0': 'rgb(217, 45, 32)',
  '-1': 'rgb(213, 218, 225)',
};
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('status page in headless Chromium', () => {
  let redisServer: TestRedis;
  let redis: Redis;
  let prober: Prober;
  let server: ReturnType<typeof createStatusServer>;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  const dir = makeConfigDir();
  const profile = mkdtempSync(join(tmpdir(), 'llmtel-prober-chromium-'));
  const pageErrors: string[] = [];

  before(async () => {
    redisServer = await startRedis();
    redis = new Redis(redisServer.url);
    dir.writeConfig(`
monitors:
  - { provider: openai, service: chat-completions, url: "http://127.0.0.1:9/v1/chat/completions", method: POST }
  - { provider: openai, service: embeddings, url: "http://127.0.0.1:9/v1/embeddings", method: POST }
  - { provider: anthropic, service: messages, url: "http://127.0.0.1:9/v1/messages", method: POST }
  - { provider: relay, service: gpt-4o, url: "http://127.0.0.1:9/v1/chat/completions", method: POST }
`);
    prober = new Prober({ configPath: dir.configPath, redis, watch: false, logger: captureLogger() });
    const store = new HistoryStore(redis);
    // The 24h view ends in a 15-minute bucket aligned to UTC that is still filling: start clear of its end, so the
    // newest seeded point is in the bucket that is current when the page asks, whatever the time of day.
    const untilNextBucket = 15 * MIN - (Date.now() % (15 * MIN));
    if (untilNextBucket < 10_000) await new Promise((r) => setTimeout(r, untilNextBucket + 100));
    const now = Date.now();
    const series = (fn: (t: number, i: number) => { status: 0 | 1 | 2; latencyMs: number } | undefined) => {
      const out = [];
      // Every 5 minutes back from just now, so the current bucket always holds the newest point.
      for (let i = 0, t = now - 500 - 24 * HOUR + 5 * MIN; t < now; t += 5 * MIN, i++) {
        const p = fn(t, i);
        if (p) out.push({ timestamp: t, ...p });
      }
      return out;
    };
    // Steady green with a 40-minute outage 6 hours ago.
    await store.recordMany(
      'openai',
      'chat-completions',
      series((t, i) =>
        t > now - 6 * HOUR && t < now - 6 * HOUR + 40 * MIN
          ? { status: 0, latencyMs: 10_000 }
          : { status: 1, latencyMs: 400 + (i % 7) * 30 },
      ),
    );
    // Green, with a slow afternoon.
    await store.recordMany(
      'openai',
      'embeddings',
      series((t) =>
        t > now - 10 * HOUR && t < now - 8 * HOUR ? { status: 2, latencyMs: 6_500 } : { status: 1, latencyMs: 120 },
      ),
    );
    // Only probed for the last 3 hours, and down right now.
    await store.recordMany(
      'anthropic',
      'messages',
      series((t) =>
        t < now - 3 * HOUR
          ? undefined
          : t > now - 20 * MIN
            ? { status: 0, latencyMs: 15_000 }
            : { status: 1, latencyMs: 900 },
      ),
    );
    // relay/gpt-4o: never probed.
    server = createStatusServer(prober, prober.logger);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1200, height: 640 },
      timeout: 60_000,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
  });

  after(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    await new Promise((done) => server?.close(done));
    await prober?.stop();
    await redis?.quit();
    await redisServer?.stop();
    dir.cleanup();
  });

  async function api(period: string): Promise<StatusResponse> {
    return (await (await fetch(`${base}/api/status?period=${period}`)).json()) as StatusResponse;
  }

  it('shows one row per monitor with its coloured timeline, uptime and median latency', async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });
    const expected = await api('24h');

    const rows = await page.$$eval('.row', (els) =>
      els.map((r) => ({
        name: r.querySelector('.name strong')?.textContent,
        current: (r.querySelector('.current') as HTMLElement).dataset.status,
        cells: Array.from(r.querySelectorAll('.cell')).map((c) => (c as HTMLElement).dataset.status),
        uptime: r.querySelector('.uptime')?.textContent,
        latency: r.querySelector('.latency')?.textContent,
      })),
    );
    assert.deepEqual(
      rows.map((r) => r.name),
      ['openai / chat-completions', 'openai / embeddings', 'anthropic / messages', 'relay / gpt-4o'],
    );
    rows.forEach((row, i) => {
      const m = expected.data[i]!;
      assert.deepEqual(
        row.cells,
        m.timeline.map((p) => String(p.status)),
        `${row.name}: cells follow the API timeline`,
      );
      assert.equal(row.current, m.current_status ? String(m.current_status.status) : '-1');
    });
    assert.ok(rows[0]!.cells.includes('0') && rows[0]!.cells.includes('1'), 'the outage shows in red among green');
    assert.ok(rows[1]!.cells.includes('2'), 'the slow afternoon shows in yellow');
    assert.ok(rows[2]!.cells.includes('-1') && rows[2]!.cells.at(-1) === '0', 'no data before, down now');
    assert.ok(rows[3]!.cells.every((c) => c === '-1'));

    assert.equal(rows[0]!.uptime, `${expected.data[0]!.uptime!.toFixed(2)}%`);
    assert.equal(rows[1]!.uptime, '100%');
    assert.equal(rows[1]!.latency, '120 ms');
    assert.equal(rows[3]!.uptime, '–');
    assert.equal(await page.textContent('#summary'), '1 of 4 endpoints down');

    // Colours as rendered, not just as classes.
    const colours = await page.$$eval('.row .cell', (cells) => {
      const seen: Record<string, string> = {};
      for (const c of cells) seen[(c as HTMLElement).dataset.status!] = getComputedStyle(c).backgroundColor;
      return seen;
    });
    assert.deepEqual(colours, COLORS);
    const summaryDot = await page.$eval('#summary', (el) => getComputedStyle(el, '::before').backgroundColor);
    assert.equal(summaryDot, COLORS['0']);

    mkdirSync(resolve(ARTIFACT, '..'), { recursive: true });
    await page.screenshot({ path: ARTIFACT, fullPage: true });
    assert.ok(statSync(ARTIFACT).size > 10_000, `screenshot written to ${ARTIFACT}`);
  });

  it('switches period without reloading the page', async () => {
    await page.click('button[data-period="7d"]');
    await page.waitForFunction(() => document.querySelectorAll('.row')[0]?.querySelectorAll('.cell').length === 84);
    assert.match(page.url(), /period=7d/);
    assert.equal(await page.getAttribute('button[data-period="7d"]', 'aria-pressed'), 'true');
    assert.equal(await page.textContent('#range-label'), 'Last 7 days');
    const expected = await api('7d');
    const cells = await page.$$eval('.row:first-child .cell', (els) =>
      els.map((c) => (c as HTMLElement).dataset.status),
    );
    assert.deepEqual(
      cells,
      expected.data[0]!.timeline.map((p) => String(p.status)),
    );
    assert.deepEqual(pageErrors, [], 'no script errors or CSP violations');
  });
});

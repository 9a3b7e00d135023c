// `npm run bench:usage`: end-to-end usage records per second, OTLP/HTTP protobuf batches of 512 GenAI spans →
// exporter → Redis (AOF on, appendfsync everysec), for llmtel's exporter and the naive baseline side by side.
//
//   node packages/usage-exporter/bench/usage-bench.mjs [--batches 200] [--rounds 3] [--concurrency 4]
//                                                      [--users 100] [--memory-ids 200000] [--gzip]
//
// Both paths get the same request bodies (real SDK spans, serialised by the real OTLP serializer) through the same
// HTTP receiver and span decoding in an exporter child process; they differ only in the store behind it. Each
// (round, path) gets a fresh exporter process and an empty Redis; the order of the paths alternates per round and
// the best round of each path is reported, so drift on a shared machine favours neither side. The sender, the
// exporter and redis-server share the machine's cores. Every loop is bounded; everything runs on loopback. Needs the
// packages built (`npm run build`).
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Redis } from 'ioredis';
import { UsageStore } from '@llmtel/usage';
import { decodeTraceRequestProtobuf, SpanConverter } from '@llmtel/usage-exporter';
import { startRedisServer } from '../test/helpers/redis.ts';
import { NaiveStore } from './naive-store.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const BATCH = 512;
const batches = flag('batches', 200);
const rounds = flag('rounds', 3);
const concurrency = flag('concurrency', 4);
const userCount = flag('users', 100);
const memoryIds = flag('memory-ids', 200_000);
const gzip = argv.includes('--gzip');
const WARMUP_BATCHES = 10;
const PATHS = {
  ours: 'llmtel: batched script calls',
  naive: 'naive: pipelined EVALSHA per record',
};

const started = performance.now();
const log = (msg) =>
  process.stderr.write(`[bench:usage ${((performance.now() - started) / 1000).toFixed(0)}s] ${msg}\n`);

// ---- spans -----------------------------------------------------------------------------------------------------

const MODELS = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini'],
  ['anthropic', 'claude-sonnet-4-5'],
  ['openai', 'o3-mini'],
];
const AGENTS = ['', 'planner', 'writer', 'support'];

/**
 * Batches of real SDK spans with the attributes llmtel's instrumentations set (every usage field non-zero where the
 * model has it, a price on every span, 2 % failed calls), serialised by the real serializer.
 */
async function makeBodies(count, seed) {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench-app', 'service.version': '1.0.0' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('@llmtel/instrumentation-openai', '0.1.0');
  const now = Date.now();
  const bodies = [];
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < BATCH; i++) {
      const [providerName, model] = MODELS[Math.floor(rand() * MODELS.length)];
      const agent = AGENTS[Math.floor(rand() * AGENTS.length)];
      const input = 50 + Math.floor(rand() * 4000);
      const output = 10 + Math.floor(rand() * 800);
      const failed = rand() < 0.02;
      const attributes = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': providerName,
        'gen_ai.request.model': model,
        'gen_ai.response.model': `${model}-2025-01-01`,
        'gen_ai.response.id': `chatcmpl-${b}-${i}`,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.request.temperature': 0.7,
        'gen_ai.request.max_tokens': 1024,
        'gen_ai.usage.input_tokens': input,
        'gen_ai.usage.output_tokens': output,
        'gen_ai.usage.cache_read.input_tokens': 1 + Math.floor(input * rand() * 0.5),
        'gen_ai.usage.cache_creation.input_tokens': rand() < 0.1 ? 1 + Math.floor(input * 0.2) : 0,
        'gen_ai.usage.reasoning.output_tokens': model.startsWith('o3') ? 1 + Math.floor(output * 0.5) : 0,
        'user.id': `user-${String(Math.floor(rand() * userCount)).padStart(5, '0')}`,
        'gen_ai.conversation.id': `conv-${Math.floor(rand() * 100_000)}`,
        'llmtel.usage.cost_usd': (1 + Math.round(rand() * 20_000)) / 1_000_000,
        'llmtel.usage.estimated': false,
        'llmtel.usage.billable': true,
        'server.address': 'api.example.test',
        'server.port': 443,
      };
      if (agent) attributes['gen_ai.agent.name'] = agent;
      if (failed) attributes['error.type'] = 'rate_limit_exceeded';
      const end = now - Math.floor(rand() * 3_600_000);
      const span = tracer.startSpan(`chat ${model}`, { kind: SpanKind.CLIENT, startTime: end - 800, attributes });
      if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
      span.end(end);
    }
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans()));
    exporter.reset();
    bodies.push(body);
  }
  await provider.shutdown();
  return bodies;
}

// ---- exporter processes and the sender ---------------------------------------------------------------------------

function startExporter(mode, redisUrl) {
  const execArgv = process.env.LLMTEL_BENCH_CPU_PROF
    ? ['--cpu-prof', '--cpu-prof-dir', process.env.LLMTEL_BENCH_CPU_PROF]
    : [];
  const child = spawn(
    process.execPath,
    [...execArgv, join(benchDir, 'exporter-child.mjs'), '--mode', mode, '--redis', redisUrl],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  const lines = [];
  let waiting;
  child.stdout.on('data', (d) => {
    out += d;
    let nl;
    while ((nl = out.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(out.slice(0, nl)));
      out = out.slice(nl + 1);
      waiting?.();
    }
  });
  const next = () =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`exporter (${mode}) silent for 60 s`)), 60_000);
      const check = () => {
        if (lines.length) {
          clearTimeout(timer);
          waiting = undefined;
          resolve(lines.shift());
        }
      };
      waiting = check;
      check();
      child.once('exit', (code) => reject(new Error(`exporter (${mode}) exited with ${code}`)));
    });
  return {
    ready: next(),
    markTimedStart: () => child.stdin.write('\n'),
    async stop() {
      child.stdin.end();
      return (await next()).metrics;
    },
  };
}

/** Sends every body with `concurrency` requests in flight; resolves with the elapsed ms. */
async function send(url, bodies) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL('/v1/traces', url);
  const headers = { 'Content-Type': 'application/x-protobuf', ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) };
  const post = (body) =>
    new Promise((resolve, reject) => {
      const req = request(target, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) await post(bodies[next++]);
    }),
  );
  const ms = performance.now() - t0;
  agent.destroy();
  return ms;
}

// ---- Redis ---------------------------------------------------------------------------------------------------------

async function redisCpuMicros(client) {
  const info = await client.info('cpu');
  const get = (name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)[1]);
  return (get('used_cpu_user') + get('used_cpu_sys')) * 1e6;
}

async function usedMemory(client) {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

/** Redis memory per record of `store`'s dedupe state and counters, from INFO memory before/after `n` records. */
async function memoryPerRecord(client, store, records) {
  await client.flushall();
  const before = await usedMemory(client);
  for (let i = 0; i < records.length; i += BATCH) await store.recordBatch(records.slice(i, i + BATCH));
  const after = await usedMemory(client);
  await client.flushall();
  return (after - before) / records.length;
}

function memoryRecords(n) {
  const now = Date.now();
  return Array.from({ length: n }, (_, j) => ({
    id: `${(j + 1).toString(16).padStart(32, '0')}-${(j * 7919 + 1).toString(16).padStart(16, '0')}`,
    userId: `user-${String(j % userCount).padStart(5, '0')}`,
    provider: 'openai',
    requestModel: 'gpt-4o',
    timestamp: now - (j % 3_600_000),
    inputTokens: 100,
    outputTokens: 10,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    estimated: false,
    costMicros: 100,
  }));
}

// ---- run -----------------------------------------------------------------------------------------------------------

const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function main() {
  log(`generating ${batches + WARMUP_BATCHES} batches of ${BATCH} spans${gzip ? ' (gzip)' : ''}`);
  const compress = (xs) => (gzip ? xs.map((b) => gzipSync(b)) : xs);
  const warmup = compress(await makeBodies(WARMUP_BATCHES, 7));
  const bodies = await makeBodies(batches, 42);
  const payloads = compress(bodies);
  const records = bodies.length * BATCH;
  const mb = payloads.reduce((a, b) => a + b.length, 0) / 1e6;
  const load = [loadavg()[0]];

  const redis = await startRedisServer({ appendonly: true, appendfsync: 'everysec' });
  const client = new Redis(redis.port, '127.0.0.1');
  const version = /redis_version:(\S+)/.exec(await client.info('server'))[1];
  const results = { ours: [], naive: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 ? ['naive', 'ours'] : ['ours', 'naive']) {
        await client.flushall();
        const exporter = startExporter(mode, redis.url);
        const { url } = await exporter.ready;
        await send(url, warmup);
        exporter.markTimedStart();
        const redisCpu0 = await redisCpuMicros(client);
        const senderCpu0 = process.cpuUsage();
        const ms = await send(url, payloads);
        const sender = process.cpuUsage(senderCpu0);
        const redisCpu = (await redisCpuMicros(client)) - redisCpu0;
        const metrics = await exporter.stop();
        const expected = records + WARMUP_BATCHES * BATCH;
        if (metrics.written !== expected || metrics.redisErrors !== 0) {
          throw new Error(`${mode}: wrote ${metrics.written} of ${expected} records (${metrics.redisErrors} errors)`);
        }
        results[mode].push({
          rate: (records / ms) * 1000,
          exporterCpu: metrics.cpuMicros / records,
          redisCpu: redisCpu / records,
          senderCpu: (sender.user + sender.system) / records,
        });
        log(`round ${round + 1} ${mode}: ${fmt((records / ms) * 1000)} records/s`);
      }
    }
    load.push(loadavg()[0]);

    // Redis-only references: the same records, written straight from memory without HTTP or decoding.
    const converter = new SpanConverter();
    const recordBatches = bodies.map((b) => converter.convert(decodeTraceRequestProtobuf(b)).records);
    const reference = { ours: 0, naive: 0 };
    const refClient = new Redis(redis.port, '127.0.0.1');
    for (let round = 0; round < rounds; round++) {
      for (const mode of ['ours', 'naive']) {
        await client.flushall();
        const store = mode === 'ours' ? new UsageStore(refClient) : new NaiveStore(refClient);
        let next = 0;
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < recordBatches.length) await store.recordBatch(recordBatches[next++]);
          }),
        );
        reference[mode] = Math.max(reference[mode], (records / (performance.now() - t0)) * 1000);
      }
    }

    const idsForMemory = memoryRecords(memoryIds);
    const memory = {
      ours: await memoryPerRecord(client, new UsageStore(refClient), idsForMemory),
      naive: await memoryPerRecord(client, new NaiveStore(refClient), idsForMemory),
    };
    refClient.disconnect();

    const best = (mode) => results[mode].reduce((a, b) => (b.rate > a.rate ? b : a));
    const ours = best('ours');
    const naive = best('naive');
    const header = ['path', 'records/s', 'exporter CPU µs/rec', 'Redis CPU µs/rec', 'ratio'];
    const rows = [
      [
        PATHS.ours,
        fmt(ours.rate),
        ours.exporterCpu.toFixed(1),
        ours.redisCpu.toFixed(1),
        `${(ours.rate / naive.rate).toFixed(2)}×`,
      ],
      [PATHS.naive, fmt(naive.rate), naive.exporterCpu.toFixed(1), naive.redisCpu.toFixed(1), '1.00×'],
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
    const mib = (bytes) => ((bytes * 1e6) / 1024 / 1024).toFixed(1);
    const met = ours.rate >= 100_000 && ours.rate > naive.rate;
    const out = [
      '',
      `Usage exporter, end to end: ${batches} batches × ${BATCH} GenAI spans (${mb.toFixed(1)} MB protobuf${gzip ? ', gzip' : ''}) ` +
        `per round, ${concurrency} requests in flight, ${userCount} users; best of ${rounds} rounds per path`,
      `Redis ${version}, appendonly yes, appendfsync everysec; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}) shared by ` +
        `sender, exporter and redis-server; node ${process.version}; load average ${load.map((l) => l.toFixed(1)).join(' → ')}`,
      '',
      line(header),
      line(widths.map((w) => '-'.repeat(w))),
      ...rows.map(line),
      '',
      `all rounds, records/s: llmtel ${results.ours.map((r) => fmt(r.rate)).join(', ')}; naive ${results.naive.map((r) => fmt(r.rate)).join(', ')}`,
      `sender (this process) CPU µs/rec: llmtel ${ours.senderCpu.toFixed(1)}, naive ${naive.senderCpu.toFixed(1)}`,
      `Redis only (same records from memory, no HTTP/decoding), records/s: llmtel ${fmt(reference.ours)}, naive ${fmt(reference.naive)}`,
      `Redis memory per 1M records' dedupe ids (and counters), ${fmt(memoryIds)} records of ${userCount} users: ` +
        `llmtel ${mib(memory.ours)} MiB (day sets of 25-byte ids), naive ${mib(memory.naive)} MiB (a key per hex id, as before)`,
      `Target ≥ 100,000 records/s end to end and above the naive baseline: ${met ? 'met' : 'NOT met'}`,
      '',
    ];
    process.stdout.write(out.join('\n'));
  } finally {
    client.disconnect();
    await redis.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`bench:usage failed: ${err.stack ?? err}\n`);
  process.exitCode = 1;
});

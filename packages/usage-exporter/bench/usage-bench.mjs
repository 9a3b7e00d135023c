// `npm run bench:usage`: end-to-end usage records per second, OTLP/HTTP protobuf batches of 512 GenAI spans →
// exporter → Redis (AOF on, appendfsync everysec), for llmtel's exporter and the naive baseline side by side.
//
//   node packages/usage-exporter/bench/usage-bench.mjs [--batches 300] [--rounds 2] [--concurrency 8]
//                                                      [--users 100] [--memory-keys 200000] [--gzip]
//
// Each (round, path) gets a fresh exporter process and an empty Redis; the order of the paths alternates per round
// and the best round of each path is reported, so drift on a shared machine does not favour either side. Every loop is
// bounded by the batch count; everything runs on loopback. Needs the package built (`npm run build`).
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { SpanKind } from '@opentelemetry/api';
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
const batches = flag('batches', 300);
const rounds = flag('rounds', 2);
const concurrency = flag('concurrency', 8);
const userCount = flag('users', 100);
const memoryKeys = flag('memory-keys', 200_000);
const gzip = argv.includes('--gzip');
const WARMUP_BATCHES = 10;

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

/** Batches of real SDK spans with the attributes llmtel's instrumentations set, serialised by the real serializer. */
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
        'gen_ai.usage.cache_read.input_tokens': Math.floor(input * rand() * 0.5),
        'gen_ai.usage.reasoning.output_tokens': model.startsWith('o3') ? Math.floor(output * 0.5) : 0,
        'user.id': `user-${String(Math.floor(rand() * userCount)).padStart(5, '0')}`,
        'gen_ai.conversation.id': `conv-${Math.floor(rand() * 100_000)}`,
        'llmtel.usage.cost_usd': Math.round(rand() * 20_000) / 1_000_000,
        'llmtel.usage.estimated': false,
        'llmtel.usage.billable': true,
        'server.address': 'api.example.test',
        'server.port': 443,
      };
      if (agent) attributes['gen_ai.agent.name'] = agent;
      const end = now - Math.floor(rand() * 3_600_000);
      tracer.startSpan(`chat ${model}`, { kind: SpanKind.CLIENT, startTime: end - 800, attributes }).end(end);
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
  const child = spawn(process.execPath, [join(benchDir, 'exporter-child.mjs'), '--mode', mode, '--redis', redisUrl], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
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
      const timer = setTimeout(() => reject(new Error(`exporter (${mode}) silent for 30 s`)), 30_000);
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

// ---- Redis-only references ---------------------------------------------------------------------------------------

async function redisOnly(store, recordBatches) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < recordBatches.length) await store.recordBatch(recordBatches[next++]);
    }),
  );
  return performance.now() - t0;
}

async function redisCpuMicros(client) {
  const info = await client.info('cpu');
  const get = (name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)[1]);
  return (get('used_cpu_user') + get('used_cpu_sys')) * 1e6;
}

async function usedMemory(client) {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

/** Bytes of Redis memory per dedupe key of the store's shape, from INFO memory before/after `n` keys. */
async function dedupeKeyMemory(client, n) {
  await client.flushall();
  const before = await usedMemory(client);
  for (let i = 0; i < n; i += 10_000) {
    const p = client.pipeline();
    for (let j = i; j < Math.min(n, i + 10_000); j++) {
      const user = `user-${String(j % userCount).padStart(5, '0')}`;
      const id = `${j.toString(16).padStart(32, '0')}-${(j * 7919).toString(16).padStart(16, '0')}`;
      p.set(`llmtel:{u:${user}}:dd:${id}`, '1', 'EX', 172_800, 'NX');
    }
    await p.exec();
  }
  const after = await usedMemory(client);
  await client.flushall();
  return (after - before) / n;
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

  const redis = await startRedisServer({ appendonly: true, appendfsync: 'everysec' });
  const client = new Redis(redis.port, '127.0.0.1');
  const version = /redis_version:(\S+)/.exec(await client.info('server'))[1];
  const results = { ours: [], naive: [], oursRedis: [], naiveRedis: [] };
  const cpu = { ours: [], naive: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 ? ['naive', 'ours'] : ['ours', 'naive']) {
        await client.flushall();
        const exporter = startExporter(mode, redis.url);
        const { url } = await exporter.ready;
        await send(url, warmup);
        exporter.markTimedStart();
        const redisCpu0 = await redisCpuMicros(client);
        const ms = await send(url, payloads);
        const redisCpu = (await redisCpuMicros(client)) - redisCpu0;
        const metrics = await exporter.stop();
        const expected = records + WARMUP_BATCHES * BATCH;
        if (metrics.written !== expected || metrics.redisErrors !== 0) {
          throw new Error(`${mode}: wrote ${metrics.written} of ${expected} records (${metrics.redisErrors} errors)`);
        }
        results[mode].push((records / ms) * 1000);
        cpu[mode].push({ exporter: metrics.cpuMicros / records, redis: redisCpu / records });
        log(`round ${round + 1} ${mode}: ${fmt((records / ms) * 1000)} records/s`);
      }
    }

    // Redis-only references: the same records, written straight from memory without HTTP or decoding.
    const converter = new SpanConverter();
    const recordBatches = bodies.map((b) => converter.convert(decodeTraceRequestProtobuf(b)).records);
    const oursClient = new Redis(redis.port, '127.0.0.1');
    for (let round = 0; round < rounds; round++) {
      await client.flushall();
      results.oursRedis.push((records / (await redisOnly(new UsageStore(oursClient), recordBatches))) * 1000);
      await client.flushall();
      results.naiveRedis.push((records / (await redisOnly(new NaiveStore(oursClient), recordBatches))) * 1000);
    }
    oursClient.disconnect();

    const perKey = await dedupeKeyMemory(client, memoryKeys);
    const best = (xs) => Math.max(...xs);
    const ours = best(results.ours);
    const naive = best(results.naive);
    const cpuNote = (xs) => {
      const min = (k) => Math.min(...xs.map((x) => x[k])).toFixed(1);
      return `CPU µs/record: exporter ${min('exporter')}, Redis ${min('redis')}`;
    };
    const rows = [
      [
        'llmtel exporter: OTLP/HTTP → one Lua call per batch',
        fmt(ours),
        `${results.ours.map(fmt).join(', ')}; ${cpuNote(cpu.ours)}`,
      ],
      [
        'naive exporter: OTLP/HTTP → pipelined EVALSHA per record',
        fmt(naive),
        `${results.naive.map(fmt).join(', ')}; ${cpuNote(cpu.naive)}`,
      ],
      ['ratio llmtel / naive', `${(ours / naive).toFixed(2)}×`, ''],
      [
        'reference, Redis only: llmtel UsageStore.recordBatch',
        fmt(best(results.oursRedis)),
        results.oursRedis.map(fmt).join(', '),
      ],
      [
        'reference, Redis only: naive pipelined EVALSHA',
        fmt(best(results.naiveRedis)),
        results.naiveRedis.map(fmt).join(', '),
      ],
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length), 4);
    const w1 = Math.max(...rows.map((r) => r[1].length), 'records/s (best)'.length);
    const line = (r) => `${r[0].padEnd(w0)}  ${r[1].padStart(w1)}  ${r[2]}`.trimEnd();
    const out = [
      '',
      `Usage exporter, end to end: ${batches} batches × ${BATCH} GenAI spans (${mb.toFixed(1)} MB protobuf${gzip ? ', gzip' : ''}), ` +
        `${concurrency} requests in flight, ${userCount} users`,
      `Redis ${version}, appendonly yes, appendfsync everysec; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}); node ${process.version}`,
      '',
      line(['path', 'records/s (best)', `all ${rounds} rounds`]),
      line(['-'.repeat(w0), '-'.repeat(w1), '-'.repeat(12)]),
      ...rows.map(line),
      '',
      `Redis memory per 1M dedupe keys: ${((perKey * 1e6) / 1024 / 1024).toFixed(1)} MiB ` +
        `(${perKey.toFixed(0)} bytes per key; ${fmt(memoryKeys)} keys like llmtel:{u:user-00042}:dd:<trace id>-<span id>, EX 48 h)`,
      `Target: ≥ 100,000 records/s end to end and above the naive baseline: ${ours >= 100_000 && ours > naive ? 'met' : 'NOT met'}`,
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

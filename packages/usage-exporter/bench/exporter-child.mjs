// One exporter process for the usage benchmark: `--mode ours` is the real llmtel-usage-exporter (one Lua script call
// per batch of records); `--mode naive` is the same OTLP/HTTP receiver writing through the naive store of
// naive-store.mjs (one pipelined EVALSHA per record). Prints `{"url": …}` once listening; exits on stdin end.
import { Redis } from 'ioredis';
import { startUsageExporter } from '@llmtel/usage-exporter';
import { NaiveStore } from './naive-store.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const mode = args.mode ?? 'ours';
const redisUrl = args.redis;
if (!redisUrl) throw new Error('--redis URL required');

let exporter;
let naiveRedis;
if (mode === 'naive') {
  naiveRedis = new Redis(redisUrl, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
  await naiveRedis.connect();
  exporter = await startUsageExporter({ store: new NaiveStore(naiveRedis), host: '127.0.0.1', port: 0 });
} else {
  exporter = await startUsageExporter({ redisUrl, host: '127.0.0.1', port: 0 });
}
process.stdout.write(JSON.stringify({ url: exporter.address.url }) + '\n');
let cpuAtMark = process.cpuUsage();

// A line on stdin marks the start of the timed part (after warm-up): CPU is counted from there.
process.stdin.on('data', () => (cpuAtMark = process.cpuUsage()));
process.stdin.on('end', async () => {
  const cpu = process.cpuUsage(cpuAtMark);
  await exporter.shutdown();
  if (naiveRedis) naiveRedis.disconnect();
  const metrics = { ...metricsSummary(exporter.metrics), cpuMicros: cpu.user + cpu.system };
  process.stdout.write(JSON.stringify({ metrics }) + '\n');
  process.exit(0);
});

function metricsSummary(m) {
  return {
    received: m.spansReceived.get(),
    written: m.recordsWritten.get(),
    duplicates: m.duplicatesSkipped.get(),
    redisErrors: [...m.redisErrors.values.values()].reduce((a, e) => a + e.value, 0),
  };
}

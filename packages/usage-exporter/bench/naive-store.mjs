// The naive baseline of the usage benchmark, written the way peer projects count LLM usage in Redis: one small Lua
// script per record (dedupe SET NX, then HINCRBY of every counter), sent as pipelined EVALSHA. It keeps the same
// counters as @llmtel/usage (totals plus per model / provider / agent, per billing cycle and per UTC day) so that
// both sides do the same logical work; what differs is one script call per record instead of one per batch.

export const NAIVE_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local names = { 'rq', 'er', 'in', 'out', 'cr', 'cw', 'rs', 'c' }
for k = 2, 3 do
  for j = 1, 8 do
    local n = tonumber(ARGV[5 + j])
    if n ~= 0 then
      redis.call('HINCRBY', KEYS[k], names[j], n)
      redis.call('HINCRBY', KEYS[k], 'm:' .. ARGV[3] .. ':' .. names[j], n)
      redis.call('HINCRBY', KEYS[k], 'p:' .. ARGV[4] .. ':' .. names[j], n)
      if ARGV[5] ~= '' then redis.call('HINCRBY', KEYS[k], 'a:' .. ARGV[5] .. ':' .. names[j], n) end
    end
  end
end
redis.call('EXPIREAT', KEYS[3], ARGV[2])
return 1
`;

const DEDUPE_TTL = 172_800;
const DAY_RETENTION = 400 * 86_400;

function ymd(ms) {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
}

export class NaiveStore {
  constructor(redis, prefix = 'llmtel') {
    this.redis = redis;
    this.prefix = prefix;
    redis.defineCommand('naiveUsageRecord', { numberOfKeys: 3, lua: NAIVE_SCRIPT });
  }

  /** Pipelines one EVALSHA per record; resolves once Redis answered all of them. */
  async recordBatch(records) {
    const pipeline = this.redis.pipeline();
    const users = new Set();
    for (const r of records) {
      const user = r.userId || 'anonymous';
      users.add(user);
      const base = `${this.prefix}:{u:${user}}`;
      const day = ymd(r.timestamp);
      const dayStart = Math.floor(r.timestamp / 86_400_000) * 86_400;
      pipeline.naiveUsageRecord(
        `${base}:dd:${r.id}`,
        `${base}:c:${day.slice(0, 6)}01`,
        `${base}:d:${day}`,
        DEDUPE_TTL,
        dayStart + 86_400 + DAY_RETENTION,
        r.responseModel ?? r.requestModel ?? 'unknown',
        r.provider || 'unknown',
        r.agentName ?? '',
        1,
        r.error ? 1 : 0,
        r.inputTokens,
        r.outputTokens,
        r.cacheReadTokens,
        r.cacheWriteTokens,
        r.reasoningTokens,
        r.costMicros ?? 0,
      );
    }
    pipeline.sadd(`${this.prefix}:idx:users`, ...users);
    const results = await pipeline.exec();
    let applied = 0;
    let duplicates = 0;
    for (const [err, value] of results.slice(0, records.length)) {
      if (err) throw err;
      if (value === 1) applied++;
      else duplicates++;
    }
    return { applied, duplicates };
  }
}

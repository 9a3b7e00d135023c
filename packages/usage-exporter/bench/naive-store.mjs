// The naive baseline of the usage benchmark, written the way peer projects count LLM usage in Redis: one small Lua
// script per record, sent as pipelined EVALSHA: a dedupe key SET NX EX, then HINCRBY of the user's totals for the
// billing cycle (input and output tokens, cost, requests). It keeps much less than @llmtel/usage (no per-day
// counters, no model, provider or agent breakdown, no errors or cache tokens): the comparison is one script call per
// record against one per batch, with the baseline doing the least work a usage counter can do.

export const NAIVE_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
redis.call('HINCRBY', KEYS[2], 'input_tokens', ARGV[2])
redis.call('HINCRBY', KEYS[2], 'output_tokens', ARGV[3])
redis.call('HINCRBY', KEYS[2], 'cost_micros', ARGV[4])
redis.call('HINCRBY', KEYS[2], 'requests', 1)
return 1
`;

const DEDUPE_TTL = 172_800;

export class NaiveStore {
  constructor(redis, prefix = 'naive') {
    this.redis = redis;
    this.prefix = prefix;
    redis.defineCommand('naiveUsageRecord', { numberOfKeys: 2, lua: NAIVE_SCRIPT });
  }

  /** Pipelines one EVALSHA per record; resolves once Redis answered all of them. */
  async recordBatch(records) {
    const pipeline = this.redis.pipeline();
    for (const r of records) {
      const base = `${this.prefix}:{u:${r.userId || 'anonymous'}}`;
      const month = new Date(r.timestamp).toISOString().slice(0, 7);
      pipeline.naiveUsageRecord(
        `${base}:dd:${r.id}`,
        `${base}:${month}`,
        DEDUPE_TTL,
        r.inputTokens,
        r.outputTokens,
        r.costMicros ?? 0,
      );
    }
    const results = await pipeline.exec();
    let applied = 0;
    let duplicates = 0;
    for (const [err, value] of results) {
      if (err) throw err;
      if (value === 1) applied++;
      else duplicates++;
    }
    return { applied, duplicates };
  }
}

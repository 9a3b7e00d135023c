// Deterministic usage records for tests, and the totals they must add up to, computed independently of the store.
import { type UsageRecord } from '@llmtel/usage';

/** mulberry32: a small seeded PRNG, so a failing case can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  seed?: number;
  users?: string[];
  models?: string[];
  agents?: (string | undefined)[];
  /** Records are spread over this many consecutive UTC days ending with `lastDay` (default today). */
  days?: number;
  lastDay?: number;
}

const DAY_MS = 86_400_000;

export function generateRecords(count: number, options: GenerateOptions = {}): UsageRecord[] {
  const rand = prng(options.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const users = options.users ?? ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
  const models = options.models ?? ['gpt-4o-2024-08-06', 'gpt-4o-mini', 'claude-sonnet-4-5', 'ft:gpt-4o:acme:x:1'];
  const agents = options.agents ?? ['planner', 'writer', undefined];
  const days = options.days ?? 5;
  const lastDay = options.lastDay ?? Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const records: UsageRecord[] = [];
  for (let i = 0; i < count; i++) {
    const model = pick(models);
    const input = Math.floor(rand() * 5000);
    const cacheRead = Math.floor(rand() * input * 0.5);
    const output = Math.floor(rand() * 2000);
    const hasPrice = rand() > 0.1;
    const failed = rand() < 0.05;
    const agent = pick(agents);
    records.push({
      id: `${(i + 1).toString(16).padStart(32, '0')}-${(i * 7 + 3).toString(16).padStart(16, '0')}`,
      userId: rand() < 0.05 ? undefined : pick(users),
      provider: model.startsWith('claude') ? 'anthropic' : 'openai',
      requestModel: model.replace(/-2024-08-06$/, ''),
      responseModel: model,
      agentName: agent,
      operation: 'chat',
      timestamp: lastDay - Math.floor(rand() * days) * DAY_MS + Math.floor(rand() * DAY_MS),
      inputTokens: input,
      outputTokens: output,
      cacheReadTokens: cacheRead,
      cacheWriteTokens: rand() < 0.2 ? Math.floor(rand() * 300) : 0,
      reasoningTokens: rand() < 0.3 ? Math.floor(output * rand()) : 0,
      estimated: false,
      costMicros: hasPrice ? Math.floor(rand() * 50_000) : undefined,
      error: failed ? 'rate_limit_exceeded' : undefined,
    });
  }
  return records;
}

export interface ExpectedTotals {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_micros: number;
}

export function sumRecords(records: readonly UsageRecord[]): ExpectedTotals {
  const t: ExpectedTotals = {
    requests: 0,
    errors: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    cost_micros: 0,
  };
  for (const r of records) {
    t.requests += 1;
    t.errors += r.error ? 1 : 0;
    t.input_tokens += r.inputTokens;
    t.output_tokens += r.outputTokens;
    t.cache_read_tokens += r.cacheReadTokens;
    t.cache_write_tokens += r.cacheWriteTokens;
    t.reasoning_tokens += r.reasoningTokens;
    t.cost_micros += r.costMicros ?? 0;
  }
  return t;
}

/** A report's totals in exact integers (cost back in micro-dollars) for comparison with {@link sumRecords}. */
export function exactTotals(t: {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
}): ExpectedTotals {
  return {
    requests: t.requests,
    errors: t.errors,
    input_tokens: t.input_tokens,
    output_tokens: t.output_tokens,
    cache_read_tokens: t.cache_read_tokens,
    cache_write_tokens: t.cache_write_tokens,
    reasoning_tokens: t.reasoning_tokens,
    cost_micros: Math.round(t.cost_usd * 1_000_000),
  };
}

export function groupRecords<K>(records: readonly UsageRecord[], keyOf: (r: UsageRecord) => K): Map<K, UsageRecord[]> {
  const groups = new Map<K, UsageRecord[]>();
  for (const r of records) {
    const k = keyOf(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return groups;
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Fisher–Yates with the seeded PRNG. */
export function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const rand = prng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// The traffic of the end-to-end test: which calls each app run makes (users, models, streams, errors, slow calls),
// the fake provider's answers for them, and the totals the pipeline must report, computed from what the app saw.
import { PricingTable } from '@llmtel/core';
import {
  type Fixture,
  syntheticChatCompletion,
  syntheticChatCompletionStream,
  syntheticOpenAiError,
} from '@llmtel/test-utils';

export const USERS = ['alice', 'bob', 'carol', 'dave'] as const;
/** OpenAI models with prices in @llmtel/core's table; o3-mini reports reasoning tokens. */
export const MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'o3-mini'] as const;
/** The model whose calls fail in the error phase (the error-ratio alert must fire for it). */
export const FAILING_MODEL = 'gpt-4.1-mini';

export interface PlannedUsage {
  input: number;
  output: number;
  cached: number;
  reasoning: number;
}

export interface PlannedCall {
  user: string;
  model: string;
  kind: 'chat' | 'stream' | 'error';
  /** Served by the slow fake provider: a stream longer than the tail sampler's latency threshold. */
  slow?: boolean;
  usage?: PlannedUsage;
  status?: number;
  chunks?: number;
}

export interface Plan {
  name: string;
  calls: PlannedCall[];
}

export interface PlanOptions {
  name: string;
  calls: number;
  /** Offset so that each phase has its own token numbers. */
  seed: number;
  /** Indexes of calls that are slow streams. */
  slow?: number[];
  /** Every n-th call of FAILING_MODEL fails (429 and 500 alternately); 1 = all of them, 0 = none. */
  failEvery?: number;
}

/** A deterministic plan: users and models rotate at different strides, every third call streams. */
export function makePlan(o: PlanOptions): Plan {
  const calls: PlannedCall[] = [];
  let failingSeen = 0;
  let failures = 0;
  for (let i = 0; i < o.calls; i++) {
    const n = o.seed + i;
    const user = USERS[i % USERS.length]!;
    const model = MODELS[(i + Math.floor(i / USERS.length)) % MODELS.length]!;
    if (o.failEvery && model === FAILING_MODEL && failingSeen++ % o.failEvery === 0) {
      calls.push({ user, model, kind: 'error', status: failures++ % 2 === 0 ? 429 : 500 });
      continue;
    }
    const slow = o.slow?.includes(i) ?? false;
    const input = 90 + ((n * 37) % 400);
    const output = 12 + ((n * 13) % 90);
    const usage: PlannedUsage = {
      input,
      output,
      cached: n % 5 === 0 ? 64 : 0,
      reasoning: model === 'o3-mini' ? Math.min(output, 8 + (n % 20)) : 0,
    };
    const kind = slow || i % 3 === 2 ? 'stream' : 'chat';
    calls.push({
      user,
      model,
      kind,
      usage,
      ...(slow ? { slow: true } : {}),
      ...(kind === 'stream' ? { chunks: 4 + (n % 5) } : {}),
    });
  }
  return { name: o.name, calls };
}

/** The fake provider's answers, in call order, for the fast and the slow provider. */
export function fixturesFor(plan: Plan): { fast: Fixture[]; slow: Fixture[] } {
  const fast: Fixture[] = [];
  const slow: Fixture[] = [];
  for (const call of plan.calls) {
    const usage = call.usage && {
      input_tokens: call.usage.input,
      output_tokens: call.usage.output,
      cache_read_input_tokens: call.usage.cached,
      reasoning_tokens: call.usage.reasoning,
    };
    let fixture: Fixture;
    if (call.kind === 'error') {
      fixture =
        call.status === 429
          ? syntheticOpenAiError(429, 'requests', 'rate_limit_exceeded', 'Rate limit reached for requests', {
              headers: { 'x-should-retry': 'false' },
            })
          : syntheticOpenAiError(500, 'server_error', null, 'The server had an error processing your request', {
              headers: { 'x-should-retry': 'false' },
            });
    } else if (call.kind === 'stream') {
      fixture = syntheticChatCompletionStream({
        model: call.model,
        chunks: call.chunks ?? 4,
        includeUsage: true,
        usage,
      });
    } else {
      fixture = syntheticChatCompletion({ model: call.model, usage });
    }
    (call.slow ? slow : fast).push(fixture);
  }
  return { fast, slow };
}

/** One `E2E-CALL` line of the traffic app. */
export interface ObservedCall {
  i: number;
  user: string;
  model: string;
  kind: PlannedCall['kind'];
  ok: boolean;
  id?: string;
  responseModel?: string;
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    prompt_tokens_details?: { cached_tokens?: number };
    completion_tokens_details?: { reasoning_tokens?: number };
  };
  status?: number;
  unexpected?: string;
  contentChunks?: number;
  /** Added by the test: which run made the call and whether it was a slow call. */
  phase?: string;
  slow?: boolean;
}

export interface Totals {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  reasoning_tokens: number;
  /** Sum of each call's cost rounded to micro-dollars, as the usage store keeps it. */
  cost_micros: number;
  /** Sum of each call's exact cost, as the cost counter adds it. */
  cost_usd: number;
}

export const emptyTotals = (): Totals => ({
  requests: 0,
  errors: 0,
  input_tokens: 0,
  output_tokens: 0,
  cache_read_tokens: 0,
  reasoning_tokens: 0,
  cost_micros: 0,
  cost_usd: 0,
});

const pricing = PricingTable.defaults();

/** The cost @llmtel/core's price table gives the call (the same table the app's instrumentation uses). */
export function costOf(call: ObservedCall): number {
  if (!call.ok || !call.usage) return 0;
  const cost = pricing.cost('openai', call.responseModel ?? call.model, {
    inputTokens: call.usage.prompt_tokens,
    outputTokens: call.usage.completion_tokens,
    cacheReadInputTokens: call.usage.prompt_tokens_details?.cached_tokens ?? 0,
    reasoningOutputTokens: call.usage.completion_tokens_details?.reasoning_tokens ?? 0,
  });
  if (cost === undefined || !(cost > 0)) throw new Error(`no price for ${call.responseModel ?? call.model}`);
  return cost;
}

export function addCall(t: Totals, call: ObservedCall): void {
  t.requests++;
  if (!call.ok) {
    t.errors++;
    return;
  }
  const u = call.usage!;
  t.input_tokens += u.prompt_tokens;
  t.output_tokens += u.completion_tokens;
  t.cache_read_tokens += u.prompt_tokens_details?.cached_tokens ?? 0;
  t.reasoning_tokens += u.completion_tokens_details?.reasoning_tokens ?? 0;
  const cost = costOf(call);
  t.cost_micros += Math.round(cost * 1_000_000);
  t.cost_usd += cost;
}

export function totalsBy(calls: ObservedCall[], key: (c: ObservedCall) => string): Map<string, Totals> {
  const out = new Map<string, Totals>();
  for (const call of calls) {
    const k = key(call);
    let t = out.get(k);
    if (!t) out.set(k, (t = emptyTotals()));
    addCall(t, call);
  }
  return out;
}

export function sumTotals(calls: ObservedCall[]): Totals {
  const t = emptyTotals();
  for (const call of calls) addCall(t, call);
  return t;
}

/** Checks that the app saw exactly what the plan told the fake provider to answer. */
export function checkObserved(plan: Plan, observed: ObservedCall[]): string[] {
  const problems: string[] = [];
  if (observed.length !== plan.calls.length) {
    problems.push(`${plan.name}: app reported ${observed.length} calls, plan has ${plan.calls.length}`);
  }
  for (const o of observed) {
    const p = plan.calls[o.i];
    if (!p) continue;
    if (o.unexpected) problems.push(`${plan.name} call ${o.i}: ${o.unexpected}`);
    if (p.kind === 'error') {
      if (o.ok || o.status !== p.status) problems.push(`${plan.name} call ${o.i}: expected HTTP ${p.status}`);
      continue;
    }
    const u = o.usage;
    if (!o.ok || !u || !p.usage) {
      problems.push(`${plan.name} call ${o.i}: expected a successful ${p.kind} with usage`);
      continue;
    }
    if (
      u.prompt_tokens !== p.usage.input ||
      u.completion_tokens !== p.usage.output ||
      (u.prompt_tokens_details?.cached_tokens ?? 0) !== p.usage.cached ||
      (u.completion_tokens_details?.reasoning_tokens ?? 0) !== p.usage.reasoning
    ) {
      problems.push(`${plan.name} call ${o.i}: usage ${JSON.stringify(u)} differs from the plan`);
    }
  }
  return problems;
}

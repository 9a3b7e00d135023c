// Real GenAI spans from the OpenTelemetry SDK, serialised by the real OTLP serializers, plus the expected totals
// computed independently from the calls that produced them.
import { gzipSync } from 'node:zlib';
import { request } from 'node:http';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

export interface GenAiCall {
  user?: string;
  model: string;
  provider?: string;
  agent?: string;
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  /** Set as `llmtel.usage.cost_usd`; absent → the exporter prices the call from the pricing table. */
  costUsd?: number;
  error?: string;
  /** End time, ms since the epoch. */
  time: number;
  /** Default true. */
  billable?: boolean;
  /** Large message content, which the exporter must skip. */
  content?: string;
}

export async function makeSpans(calls: GenAiCall[]): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'usage-exporter-test' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('@llmtel/instrumentation-test', '0.1.0');
  for (const c of calls) {
    const attributes: Record<string, string | number | boolean | string[]> = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': c.provider ?? 'openai',
      'gen_ai.request.model': c.model,
      'gen_ai.response.model': c.model,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': c.input,
      'gen_ai.usage.output_tokens': c.output,
      'llmtel.usage.billable': c.billable ?? true,
    };
    if (c.user !== undefined) attributes['user.id'] = c.user;
    if (c.agent !== undefined) attributes['gen_ai.agent.name'] = c.agent;
    if (c.cacheRead !== undefined) attributes['gen_ai.usage.cache_read.input_tokens'] = c.cacheRead;
    if (c.cacheWrite !== undefined) attributes['gen_ai.usage.cache_creation.input_tokens'] = c.cacheWrite;
    if (c.reasoning !== undefined) attributes['gen_ai.usage.reasoning.output_tokens'] = c.reasoning;
    if (c.costUsd !== undefined) attributes['llmtel.usage.cost_usd'] = c.costUsd;
    if (c.error !== undefined) attributes['error.type'] = c.error;
    if (c.content !== undefined) attributes['gen_ai.input.messages'] = c.content;
    const span = tracer.startSpan(`chat ${c.model}`, { kind: SpanKind.CLIENT, startTime: c.time - 1500, attributes });
    if (c.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: c.error });
    span.end(c.time);
  }
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

export function toProtobuf(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
}

export function toJson(spans: ReadableSpan[]): Buffer {
  return Buffer.from(JsonTraceSerializer.serializeRequest(spans)!);
}

/** mulberry32: a small deterministic PRNG so that a failing run can be replayed. */
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

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5'];
const AGENTS = [undefined, 'planner', 'writer'];

/** `n` calls by `users` users over the `days` UTC days ending at `endDay` (ms of that day's midnight). */
export function randomCalls(n: number, seed: number, users: string[], endDay: number, days = 3): GenAiCall[] {
  const rand = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const calls: GenAiCall[] = [];
  for (let i = 0; i < n; i++) {
    const model = pick(MODELS);
    const input = 1 + Math.floor(rand() * 5000);
    const output = Math.floor(rand() * 2000);
    const call: GenAiCall = {
      user: pick(users),
      model,
      provider: model.startsWith('claude') ? 'anthropic' : 'openai',
      input,
      output,
      cacheRead: Math.floor(rand() * input * 0.5),
      reasoning: Math.floor(rand() * output * 0.3),
      costUsd: Math.round(rand() * 50_000) / 1_000_000,
      time: endDay - Math.floor(rand() * days) * 86_400_000 + 3_600_000 + Math.floor(rand() * 72_000_000),
    };
    const agent = pick(AGENTS);
    if (agent) call.agent = agent;
    if (rand() < 0.05) {
      // A failed call has no price in either path (span or in-process event), so give it none here either.
      call.error = 'rate_limit_exceeded';
      delete call.costUsd;
    }
    calls.push(call);
  }
  return calls;
}

export interface Totals {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  cost_unknown_requests: number;
}

export function emptyTotals(): Totals {
  return {
    requests: 0,
    errors: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    cost_usd: 0,
    cost_unknown_requests: 0,
  };
}

/** Sums calls per key, as the store should; cost summed in micro-dollars like the store, then converted. */
export function expectedBy(calls: GenAiCall[], key: (c: GenAiCall) => string): Map<string, Totals> {
  const micros = new Map<string, number>();
  const out = new Map<string, Totals>();
  for (const c of calls) {
    if (c.billable === false) continue;
    const k = key(c);
    const t = out.get(k) ?? emptyTotals();
    t.requests++;
    if (c.error) t.errors++;
    t.input_tokens += c.input;
    t.output_tokens += c.output;
    t.cache_read_tokens += c.cacheRead ?? 0;
    t.cache_write_tokens += c.cacheWrite ?? 0;
    t.reasoning_tokens += c.reasoning ?? 0;
    // No cost on the span and (in these tests) a model without a price: the cost is unknown.
    if (c.costUsd === undefined && c.input + c.output + (c.cacheRead ?? 0) + (c.cacheWrite ?? 0) > 0) {
      t.cost_unknown_requests++;
    }
    micros.set(k, (micros.get(k) ?? 0) + Math.round((c.costUsd ?? 0) * 1e6));
    out.set(k, t);
  }
  for (const [k, t] of out) t.cost_usd = micros.get(k)! / 1e6;
  return out;
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP request on a fresh connection (loopback only). */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export function postTraces(
  baseUrl: string,
  body: Buffer,
  options: { json?: boolean; gzip?: boolean; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const payload = options.gzip ? gzipSync(body) : body;
  return httpRequest(`${baseUrl}/v1/traces`, {
    method: 'POST',
    headers: {
      'Content-Type': options.json ? 'application/json' : 'application/x-protobuf',
      ...(options.gzip ? { 'Content-Encoding': 'gzip' } : {}),
      ...options.headers,
    },
    body: payload,
  });
}

/** Retries a POST while the answer is 503 (what the collector's retry does), up to `attempts` times. */
export async function postUntilAccepted(
  baseUrl: string,
  body: Buffer,
  options: { json?: boolean; attempts?: number; delayMs?: number } = {},
): Promise<{ result: HttpResult; attempts: number }> {
  const attempts = options.attempts ?? 100;
  for (let i = 1; ; i++) {
    let result: HttpResult;
    try {
      result = await postTraces(baseUrl, body, options);
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, options.delayMs ?? 50));
      continue;
    }
    if (result.status !== 503 || i >= attempts) return { result, attempts: i };
    await new Promise((r) => setTimeout(r, options.delayMs ?? 50));
  }
}

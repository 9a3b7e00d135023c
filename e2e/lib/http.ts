// Bounded polling and the three query APIs the end-to-end test reads: Prometheus, Jaeger v3 and the usage API.
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Calls `probe` until it returns a value that is not undefined, at most `timeoutMs`; then throws with `what` and the
 * last value or error seen, so that a failure says what was being waited for and what was there instead.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs, intervalMs = 1000 }: { timeoutMs: number; intervalMs?: number },
  describeLast: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const last = lastError instanceof Error ? lastError.message : describeLast();
      throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}${last ? `; last: ${last}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

export async function getJson<T = any>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url} → ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export async function getText(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url} → ${res.status} ${text.slice(0, 300)}`);
  return text;
}

// ------------------------------------------------------------------------------------------------------------------
// Prometheus

export interface PromSample {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

export class Prometheus {
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }

  async query(promql: string, time?: number): Promise<PromSample[]> {
    const params = new URLSearchParams({ query: promql });
    if (time !== undefined) params.set('time', String(time));
    const body = await getJson<{ status: string; data: { resultType: string; result: any } }>(
      `${this.url}/api/v1/query?${params.toString()}`,
    );
    if (body.data.resultType === 'scalar') return [{ metric: {}, value: body.data.result }];
    return body.data.result as PromSample[];
  }

  async queryRange(promql: string, start: number, end: number, step: number): Promise<PromSample[]> {
    const params = new URLSearchParams({ query: promql, start: String(start), end: String(end), step: String(step) });
    const body = await getJson<{ data: { result: PromSample[] } }>(
      `${this.url}/api/v1/query_range?${params.toString()}`,
    );
    return body.data.result;
  }

  /** The single value of a query that aggregates to one series, or undefined when it returns nothing. */
  async scalar(promql: string): Promise<number | undefined> {
    const result = await this.query(promql);
    if (result.length === 0) return undefined;
    if (result.length > 1) throw new Error(`${promql} returned ${result.length} series, expected one`);
    return Number(result[0]!.value![1]);
  }
}

// ------------------------------------------------------------------------------------------------------------------
// Jaeger v3 (OTLP JSON)

export interface JaegerSpan {
  traceId: string;
  spanId: string;
  name: string;
  status?: { code?: number | string };
  attributes: Record<string, string | number | boolean>;
  service: string;
}

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };

function plainValue(v: AnyValue): string | number | boolean {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  return JSON.stringify(v);
}

/** Jaeger's v3 API returns trace/span ids base64-encoded in some versions and hex in others. */
function hexId(id: string): string {
  return /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');
}

export async function jaegerSpans(
  jaegerUrl: string,
  service: string,
  startMin: Date,
  startMax: Date,
): Promise<JaegerSpan[]> {
  const params = new URLSearchParams({
    'query.service_name': service,
    'query.start_time_min': startMin.toISOString(),
    'query.start_time_max': startMax.toISOString(),
    'query.num_traces': '1000',
  });
  const res = await fetch(`${jaegerUrl}/api/v3/traces?${params.toString()}`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  // No trace found is a 404 with a "trace not found" error in the v3 API.
  if (res.status === 404) return [];
  if (!res.ok) throw new Error(`Jaeger /api/v3/traces → ${res.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { result?: { resourceSpans?: any[] } };
  const spans: JaegerSpan[] = [];
  for (const rs of body.result?.resourceSpans ?? []) {
    const resource = Object.fromEntries(
      (rs.resource?.attributes ?? []).map((a: { key: string; value: AnyValue }) => [a.key, plainValue(a.value)]),
    );
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        spans.push({
          traceId: hexId(s.traceId),
          spanId: hexId(s.spanId),
          name: s.name,
          status: s.status,
          attributes: Object.fromEntries(
            (s.attributes ?? []).map((a: { key: string; value: AnyValue }) => [a.key, plainValue(a.value)]),
          ),
          service: String(resource['service.name'] ?? ''),
        });
      }
    }
  }
  return spans;
}

// ------------------------------------------------------------------------------------------------------------------
// Usage API

export interface UsageCounters {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
}

export interface UsageReport {
  user: string;
  from: string;
  to: string;
  totals: UsageCounters;
  groups?: Array<UsageCounters & { key: string }>;
}

export class UsageApi {
  readonly url: string;
  readonly token: string;
  constructor(url: string, token: string) {
    this.url = url;
    this.token = token;
  }

  /** A user's usage from yesterday to the day after tomorrow (UTC), so a run across midnight still sees it all. */
  report(user: string, groupBy?: string): Promise<UsageReport> {
    const day = 86_400_000;
    const from = new Date(Date.now() - day).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 2 * day).toISOString().slice(0, 10);
    const params = new URLSearchParams({ user, from, to, ...(groupBy ? { group_by: groupBy } : {}) });
    return getJson<UsageReport>(`${this.url}/v1/usage?${params.toString()}`, { authorization: `Bearer ${this.token}` });
  }

  get<T = any>(path: string): Promise<T> {
    return getJson<T>(`${this.url}${path}`, { authorization: `Bearer ${this.token}` });
  }
}

/**
 * Turns the OTLP/HTTP JSON the demo app exported into a readable trace tree and a usage summary. Only the fields
 * the demo shows are decoded; the shapes are OTLP's JSON encoding (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).
 */

type AttrValue = string | number | boolean | AttrValue[] | undefined;

export interface DemoSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  startNanos: bigint;
  endNanos: bigint;
  error: boolean;
  attributes: Record<string, AttrValue>;
}

export interface DemoHistogramPoint {
  metric: string;
  attributes: Record<string, AttrValue>;
  count: number;
  sum: number;
}

interface OtlpKeyValue {
  key: string;
  value?: Record<string, unknown>;
}

function anyValue(value: Record<string, unknown> | undefined): AttrValue {
  if (!value) return undefined;
  if ('stringValue' in value) return String(value.stringValue);
  if ('boolValue' in value) return Boolean(value.boolValue);
  // int64 may arrive as a JSON string to keep precision.
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value) {
    const values = (value.arrayValue as { values?: Array<Record<string, unknown>> } | undefined)?.values ?? [];
    return values.map(anyValue);
  }
  return undefined;
}

function attributesOf(list: unknown): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  if (Array.isArray(list)) for (const kv of list as OtlpKeyValue[]) out[kv.key] = anyValue(kv.value);
  return out;
}

/** Hex ids: the JS exporter writes hex, the spec's JSON encoding allows base64 from other SDKs. */
function hexId(id: unknown): string {
  if (typeof id !== 'string') return '';
  return /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');
}

export function decodeTraces(body: unknown): DemoSpan[] {
  const spans: DemoSpan[] = [];
  for (const rs of (body as { resourceSpans?: any[] })?.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const parent = hexId(s.parentSpanId);
        spans.push({
          traceId: hexId(s.traceId),
          spanId: hexId(s.spanId),
          parentSpanId: parent === '' ? undefined : parent,
          name: String(s.name ?? ''),
          startNanos: BigInt(s.startTimeUnixNano ?? 0),
          endNanos: BigInt(s.endTimeUnixNano ?? 0),
          error: s.status?.code === 2 || s.status?.code === 'STATUS_CODE_ERROR',
          attributes: attributesOf(s.attributes),
        });
      }
    }
  }
  return spans;
}

/** Histogram points of every metric, as exported (cumulative: the last export of a series holds the totals). */
export function decodeHistograms(body: unknown): DemoHistogramPoint[] {
  const points: DemoHistogramPoint[] = [];
  for (const rm of (body as { resourceMetrics?: any[] })?.resourceMetrics ?? []) {
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        for (const p of m.histogram?.dataPoints ?? []) {
          points.push({
            metric: String(m.name),
            attributes: attributesOf(p.attributes),
            count: Number(p.count ?? 0),
            sum: Number(p.sum ?? 0),
          });
        }
      }
    }
  }
  return points;
}

/** Names of every metric in an export. */
export function metricNames(body: unknown): string[] {
  const names: string[] = [];
  for (const rm of (body as { resourceMetrics?: any[] })?.resourceMetrics ?? []) {
    for (const sm of rm.scopeMetrics ?? []) for (const m of sm.metrics ?? []) names.push(String(m.name));
  }
  return names;
}

const num = (v: AttrValue): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: AttrValue): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const fmtInt = (n: number): string => n.toLocaleString('en-US');
const fmtMs = (nanos: bigint): string => `${(Number(nanos) / 1e6).toFixed(0)} ms`;

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  // Three significant digits in plain notation: $0.000306, $0.000000440.
  return usd >= 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2 - Math.floor(Math.log10(usd)))}`;
}

function llmDetails(span: DemoSpan): string {
  const a = span.attributes;
  const parts: string[] = [];
  const provider = str(a['gen_ai.provider.name']);
  if (provider) parts.push(provider);
  const responseModel = str(a['gen_ai.response.model']);
  if (responseModel) parts.push(`model ${responseModel}`);
  const input = num(a['gen_ai.usage.input_tokens']);
  const output = num(a['gen_ai.usage.output_tokens']);
  const cached = num(a['gen_ai.usage.cache_read.input_tokens']);
  const cacheWrite = num(a['gen_ai.usage.cache_creation.input_tokens']);
  if (input !== undefined || output !== undefined) {
    let tokens = `tokens in ${fmtInt(input ?? 0)}`;
    if (cached) tokens += ` (cached ${fmtInt(cached)})`;
    if (cacheWrite) tokens += ` (cache write ${fmtInt(cacheWrite)})`;
    if (output !== undefined) tokens += ` / out ${fmtInt(output)}`;
    if (a['llmtel.usage.estimated'] === true) tokens += ' (estimated)';
    parts.push(tokens);
  }
  const cost = num(a['llmtel.usage.cost_usd']);
  if (cost !== undefined) parts.push(`cost ${formatUsd(cost)}`);
  const user = str(a['user.id']);
  if (user) parts.push(`user ${user}`);
  const errorType = str(a['error.type']);
  if (errorType) parts.push(`ERROR ${errorType}`);
  return parts.join(' · ');
}

function isLlmSpan(span: DemoSpan): boolean {
  return span.attributes['gen_ai.operation.name'] !== undefined;
}

/** One tree per trace, children in start order, each LLM span with model, tokens, cost, duration and user. */
export function renderTraceTree(spans: DemoSpan[]): string {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const children = new Map<string, DemoSpan[]>();
  const roots: DemoSpan[] = [];
  for (const span of spans) {
    if (span.parentSpanId && byId.has(span.parentSpanId)) {
      const list = children.get(span.parentSpanId) ?? [];
      list.push(span);
      children.set(span.parentSpanId, list);
    } else {
      roots.push(span);
    }
  }
  const byStart = (a: DemoSpan, b: DemoSpan): number =>
    a.startNanos < b.startNanos ? -1 : a.startNanos > b.startNanos ? 1 : 0;
  roots.sort(byStart);
  const lines: string[] = [];
  const walk = (span: DemoSpan, prefix: string, last: boolean, depth: number): void => {
    const branch = depth === 0 ? '' : last ? '└─ ' : '├─ ';
    const marker = span.error ? '✗ ' : '';
    lines.push(`${prefix}${branch}${marker}${span.name}  ${fmtMs(span.endNanos - span.startNanos)}`);
    const childPrefix = depth === 0 ? prefix : prefix + (last ? '   ' : '│  ');
    if (isLlmSpan(span)) lines.push(`${childPrefix}${children.has(span.spanId) ? '│' : ' '}    ${llmDetails(span)}`);
    const kids = (children.get(span.spanId) ?? []).sort(byStart);
    kids.forEach((kid, i) => walk(kid, childPrefix, i === kids.length - 1, depth + 1));
  };
  for (const root of roots) {
    lines.push(`trace ${root.traceId.slice(0, 12)}…`);
    walk(root, '  ', true, 0);
  }
  return lines.join('\n');
}

interface UsageRow {
  user: string;
  provider: string;
  model: string;
  calls: number;
  errors: number;
  input: number;
  cached: number;
  output: number;
  cost: number;
  priced: boolean;
}

/** Text columns (the first `textColumns`) are left-aligned, numbers right-aligned. */
function table(header: string[], rows: string[][], textColumns: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i < textColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].map((l) => `  ${l.trimEnd()}`).join('\n');
}

/** Calls, tokens and cost per key (user, provider, model), from the billable LLM spans. */
function usageRows(
  spans: DemoSpan[],
  keyOf: (row: Pick<UsageRow, 'user' | 'provider' | 'model'>) => string,
): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const span of spans.filter(isLlmSpan)) {
    const a = span.attributes;
    if (a['llmtel.usage.billable'] === false) continue;
    const user = str(a['user.id']) ?? '(none)';
    const provider = str(a['gen_ai.provider.name']) ?? '(unknown)';
    const model = str(a['gen_ai.request.model']) ?? '(unknown)';
    const key = keyOf({ user, provider, model });
    const row = rows.get(key) ?? {
      user,
      provider,
      model,
      calls: 0,
      errors: 0,
      input: 0,
      cached: 0,
      output: 0,
      cost: 0,
      priced: false,
    };
    row.calls++;
    if (span.error) row.errors++;
    row.input += num(a['gen_ai.usage.input_tokens']) ?? 0;
    row.cached += num(a['gen_ai.usage.cache_read.input_tokens']) ?? 0;
    row.output += num(a['gen_ai.usage.output_tokens']) ?? 0;
    const cost = num(a['llmtel.usage.cost_usd']);
    if (cost !== undefined) {
      row.cost += cost;
      row.priced = true;
    }
    rows.set(key, row);
  }
  return [...rows.values()];
}

const usageCells = (r: UsageRow): string[] => [
  r.errors > 0 ? `${r.calls} (${r.errors} failed)` : String(r.calls),
  fmtInt(r.input),
  fmtInt(r.cached),
  fmtInt(r.output),
  r.priced ? formatUsd(r.cost) : '-',
];
const USAGE_HEADER = ['calls', 'in tokens', 'cached', 'out tokens', 'cost'];

/** Calls, tokens and cost per user, provider and model, from the billable LLM spans. */
export function renderUsageSummary(spans: DemoSpan[]): string {
  const sorted = usageRows(spans, (r) => `${r.user}\u0000${r.provider}\u0000${r.model}`).sort(
    (a, b) => a.user.localeCompare(b.user) || a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model),
  );
  const totalCost = sorted.reduce((s, r) => s + r.cost, 0);
  const body = sorted.map((r) => [r.user, r.provider, r.model, ...usageCells(r)]);
  body.push(['total', '', '', String(sorted.reduce((s, r) => s + r.calls, 0)), '', '', '', formatUsd(totalCost)]);
  return table(['user', 'provider', 'model', ...USAGE_HEADER], body, 3);
}

/** The providers side by side: calls, tokens and cost of each. */
export function renderProviderSummary(spans: DemoSpan[]): string {
  const sorted = usageRows(spans, (r) => r.provider).sort((a, b) => a.provider.localeCompare(b.provider));
  return table(
    ['provider', ...USAGE_HEADER],
    sorted.map((r) => [r.provider, ...usageCells(r)]),
    1,
  );
}

/** Average time to first chunk of streamed calls per request model, from the last export of the histogram. */
export function renderTimeToFirstChunk(points: DemoHistogramPoint[]): string | undefined {
  const latest = new Map<string, DemoHistogramPoint>();
  for (const p of points) {
    if (p.metric !== 'gen_ai.client.operation.time_to_first_chunk') continue;
    latest.set(JSON.stringify(p.attributes), p);
  }
  const perModel = new Map<string, { count: number; sum: number }>();
  for (const p of latest.values()) {
    const model = str(p.attributes['gen_ai.request.model']) ?? '(unknown)';
    const agg = perModel.get(model) ?? { count: 0, sum: 0 };
    agg.count += p.count;
    agg.sum += p.sum;
    perModel.set(model, agg);
  }
  if (perModel.size === 0) return undefined;
  return [...perModel.entries()]
    .map(
      ([model, { count, sum }]) =>
        `  ${model}: ${(1000 * (sum / count)).toFixed(0)} ms average over ${count} stream(s)`,
    )
    .join('\n');
}

/**
 * The exporter's own metrics in the Prometheus text exposition format
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format). A few counters and one histogram
 * do not justify an SDK pipeline, and label sets here are fixed and small by construction: the only per-user series
 * is the top-N gauge, bounded by N.
 */

export const REDIS_LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

type Labels = Record<string, string>;

class Counter {
  readonly values = new Map<string, { labels: Labels; value: number }>();
  readonly name: string;
  readonly help: string;
  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  inc(by = 1, labels: Labels = {}): void {
    if (by === 0 && this.values.size > 0) return;
    const key = labelKey(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`);
    if (this.values.size === 0) out.push(`${this.name} 0`);
    for (const { labels, value } of this.values.values()) out.push(`${this.name}${renderLabels(labels)} ${value}`);
  }
}

class Histogram {
  readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  readonly name: string;
  readonly help: string;
  readonly buckets: number[];
  constructor(name: string, help: string, buckets: number[]) {
    this.name = name;
    this.help = help;
    this.buckets = buckets;
  }

  observe(value: number, labels: Labels = {}): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const { labels, counts, sum, count } of this.series.values()) {
      for (let i = 0; i < this.buckets.length; i++) {
        out.push(`${this.name}_bucket${renderLabels({ ...labels, le: String(this.buckets[i]) })} ${counts[i]}`);
      }
      out.push(`${this.name}_bucket${renderLabels({ ...labels, le: '+Inf' })} ${count}`);
      out.push(`${this.name}_sum${renderLabels(labels)} ${sum}`, `${this.name}_count${renderLabels(labels)} ${count}`);
    }
  }
}

/** One user's place in the top-N gauge. */
export interface TopUserCost {
  user: string;
  costUsd: number;
}

export class ExporterMetrics {
  readonly spansReceived = new Counter(
    'llmtel_usage_exporter_spans_received_total',
    'Spans received in OTLP export requests that decoded.',
  );
  readonly spansAccepted = new Counter(
    'llmtel_usage_exporter_spans_accepted_total',
    'Spans acknowledged after Redis applied their batch (including non-billable spans, which carry no usage).',
  );
  readonly spansRejected = new Counter(
    'llmtel_usage_exporter_spans_rejected_total',
    'Spans rejected, by reason: invalid (reported as OTLP partial success), unavailable (Redis down, sender retries).',
  );
  readonly recordsWritten = new Counter(
    'llmtel_usage_exporter_records_written_total',
    'Usage records newly applied to Redis.',
  );
  readonly duplicatesSkipped = new Counter(
    'llmtel_usage_exporter_duplicates_skipped_total',
    'Usage records skipped because Redis already held their id (retries, redelivery, several exporters).',
  );
  readonly httpRequests = new Counter(
    'llmtel_usage_exporter_http_requests_total',
    'HTTP requests answered, by route and status code.',
  );
  readonly redisErrors = new Counter('llmtel_usage_exporter_redis_errors_total', 'Redis commands that failed.');
  readonly redisLatency = new Histogram(
    'llmtel_usage_exporter_redis_latency_seconds',
    'Latency of Redis operations, by operation.',
    REDIS_LATENCY_BUCKETS,
  );
  /** Latest top-N snapshot rendered as the bounded gauge; replaced, never grown. */
  topUsers: TopUserCost[] = [];
  topUsersLabel = 'cycle';

  render(): string {
    const out: string[] = [];
    this.spansReceived.render(out);
    this.spansAccepted.render(out);
    this.spansRejected.render(out);
    this.recordsWritten.render(out);
    this.duplicatesSkipped.render(out);
    this.httpRequests.render(out);
    this.redisErrors.render(out);
    this.redisLatency.render(out);
    const gauge = 'llmtel_usage_top_user_cost_usd';
    out.push(
      `# HELP ${gauge} Cost in USD of the current ${this.topUsersLabel} for the top users by cost (at most N series).`,
      `# TYPE ${gauge} gauge`,
    );
    this.topUsers.forEach((u, i) =>
      out.push(`${gauge}${renderLabels({ rank: String(i + 1), user: u.user })} ${u.costUsd}`),
    );
    return out.join('\n') + '\n';
  }
}

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return keys
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

function renderLabels(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabelValue(labels[k]!)}"`).join(',')}}`;
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

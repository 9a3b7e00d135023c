/**
 * The one source of truth for llmtel's recording rules and alerts. `npm run generate:grafana` renders it into
 * prometheus/rules/llmtel-recording.yml, prometheus/rules/llmtel-alerts.yml (Prometheus-evaluated) and
 * grafana/provisioning/alerting/llmtel-rules.yaml (Grafana-managed, notifying the webhook contact point), and
 * `npm run check:grafana` fails when any of them is stale.
 *
 * An alert is `value op threshold`: Prometheus evaluates `(value) op threshold`; Grafana runs `value` as an instant
 * query (refId A) and a threshold expression (refId C) on it, so both fire on the same series.
 */
import { C, JOB, L, M, P, R, U, USAGE_EXPORTER } from '../names.ts';

export interface RecordingRule {
  record: string;
  expr: string;
}

export interface RecordingGroup {
  name: string;
  interval: string;
  rules: RecordingRule[];
}

export type AlertGroupName = 'llm' | 'usage' | 'pipeline' | 'availability';

export interface AlertDefinition {
  /** Alert name, PascalCase; also the Grafana rule title. */
  name: string;
  group: AlertGroupName;
  /** PromQL returning the value the threshold is applied to (one series per alerting entity). */
  value: string;
  op: '>' | '<';
  threshold: number;
  for: string;
  severity: 'warning' | 'critical';
  /**
   * Annotation templates. `$labels.x` works in both systems; write `VALUE` where the alert's value goes: it becomes
   * `$value` for Prometheus and `$values.A.Value` for Grafana.
   */
  summary: string;
  description: string;
  /** Anchor of the alert's section in docs/runbooks.md. */
  runbook: string;
  /** The first thing to check, one sentence; the `runbook` annotation is this plus the docs link. */
  firstStep: string;
}

const by = (...labels: string[]) => `by (${labels.join(', ')})`;
const PM = [L.provider, L.requestModel];

/** Histogram quantile of a `_bucket` series over `window`, grouped by `labels`. */
export function quantile(q: number, bucket: string, labels: string[], window: string, selector = ''): string {
  return `histogram_quantile(${q}, sum ${by(...labels, 'le')} (rate(${bucket}${selector}[${window}])))`;
}

export const RECORDING_GROUPS: RecordingGroup[] = [
  {
    name: 'llmtel.genai.recording',
    interval: '30s',
    rules: [
      { record: R.requestsRate5m, expr: `sum ${by(...PM)} (rate(${M.durationCount}[5m]))` },
      {
        record: R.errorsRate5m,
        expr: `sum ${by(...PM, L.errorType)} (rate(${M.durationCount}{${L.errorType}!=""}[5m]))`,
      },
      {
        // `or … * 0` keeps a 0 series for healthy provider/models, so dashboards show 0 instead of "No data".
        record: R.errorRatio5m,
        expr:
          `(sum ${by(...PM)} (rate(${M.durationCount}{${L.errorType}!=""}[5m]))` +
          ` or sum ${by(...PM)} (rate(${M.durationCount}[5m])) * 0)` +
          ` / sum ${by(...PM)} (rate(${M.durationCount}[5m]))`,
      },
      { record: R.durationP50, expr: quantile(0.5, M.durationBucket, PM, '5m') },
      { record: R.durationP95, expr: quantile(0.95, M.durationBucket, PM, '5m') },
      { record: R.durationP99, expr: quantile(0.99, M.durationBucket, PM, '5m') },
      { record: R.ttfcP50, expr: quantile(0.5, M.ttfcBucket, PM, '5m') },
      { record: R.ttfcP95, expr: quantile(0.95, M.ttfcBucket, PM, '5m') },
      { record: R.tokensRate5m, expr: `sum ${by(...PM, L.tokenType)} (rate(${M.tokenUsageSum}[5m]))` },
      { record: R.costRate5m, expr: `sum ${by(...PM)} (rate(${M.costTotal}[5m]))` },
    ],
  },
  {
    name: 'llmtel.probe.recording',
    interval: '1m',
    rules: [{ record: R.probeDurationP95, expr: quantile(0.95, P.durationBucket, [P.provider, P.service], '15m') }],
  },
];

/**
 * The collector creates its failure counters at the first failure. `or` a 0 for every queued exporter keeps a
 * healthy exporter visible as 0 rather than absent (dashboards and the end-to-end query check rely on that).
 */
export function zeroPerExporter(expr: string, labels = ['instance', 'exporter']): string {
  return `${expr} or sum ${by(...labels)} (${C.queueSize}) * 0`;
}

/** Tokens per second below which the spike alert stays quiet however large the ratio (see LLMTokenRateSpike). */
export const TOKEN_SPIKE_FLOOR = 10;

export const ALERTS: AlertDefinition[] = [
  // --- LLM ---
  {
    name: 'LLMHighErrorRatio',
    group: 'llm',
    value: R.errorRatio5m,
    op: '>',
    threshold: 0.05,
    for: '5m',
    severity: 'critical',
    summary: 'LLM calls to {{ $labels.gen_ai_provider_name }} {{ $labels.gen_ai_request_model }} are failing',
    description:
      '{{ VALUE | humanizePercentage }} of {{ $labels.gen_ai_provider_name }} {{ $labels.gen_ai_request_model }} ' +
      'calls failed over the last 5 minutes (threshold 5%).',
    runbook: 'llmhigherrorratio',
    firstStep: "Check the error_type breakdown on the LLM overview dashboard and the provider's status page.",
  },
  {
    name: 'LLMHighLatencyP95',
    group: 'llm',
    value: R.durationP95,
    op: '>',
    threshold: 30,
    for: '10m',
    severity: 'warning',
    summary: 'p95 latency of {{ $labels.gen_ai_provider_name }} {{ $labels.gen_ai_request_model }} is high',
    description:
      'p95 duration of {{ $labels.gen_ai_provider_name }} {{ $labels.gen_ai_request_model }} calls is ' +
      '{{ VALUE | humanizeDuration }} over the last 5 minutes (threshold 30s).',
    runbook: 'llmhighlatencyp95',
    firstStep:
      "Compare with the provider's probe latency on the Availability dashboard to tell provider slowness from ours.",
  },
  {
    name: 'LLMSlowTimeToFirstChunk',
    group: 'llm',
    value: R.ttfcP95,
    op: '>',
    threshold: 5,
    for: '10m',
    severity: 'warning',
    summary: 'Streams from {{ $labels.gen_ai_provider_name }} {{ $labels.gen_ai_request_model }} start slowly',
    description:
      'p95 time to first chunk of {{ $labels.gen_ai_provider_name }} {{ $labels.gen_ai_request_model }} streams ' +
      'is {{ VALUE | humanizeDuration }} over the last 5 minutes (threshold 5s).',
    runbook: 'llmslowtimetofirstchunk',
    firstStep:
      'Compare time to first chunk with the probe duration of the same provider; look for large prompts in Jaeger.',
  },
  {
    // The 1h rate is floored so that a provider going from nothing to a trickle does not page.
    name: 'LLMTokenRateSpike',
    group: 'llm',
    // Raw rates, not the recorded ones: both windows must come from the same evaluation instant.
    value:
      `sum ${by(L.provider)} (rate(${M.tokenUsageSum}[5m]))` +
      ` / clamp_min(sum ${by(L.provider)} (rate(${M.tokenUsageSum}[1h])), ${TOKEN_SPIKE_FLOOR})`,
    op: '>',
    threshold: 3,
    for: '10m',
    severity: 'warning',
    summary: 'Token usage on {{ $labels.gen_ai_provider_name }} spiked',
    description:
      'Tokens per second on {{ $labels.gen_ai_provider_name }} over the last 5 minutes are {{ VALUE | humanize }} ' +
      `times the last hour's rate (threshold 3x, rates under ${TOKEN_SPIKE_FLOOR} tokens/s ignored).`,
    runbook: 'llmtokenratespike',
    firstStep: "Find the callers behind the spike in the Cost & usage dashboard's top users and in Jaeger.",
  },
  {
    name: 'LLMCostBurnHigh',
    group: 'llm',
    value: `sum(rate(${M.costTotal}[15m])) * 3600`,
    op: '>',
    threshold: 25,
    for: '15m',
    severity: 'warning',
    summary: 'LLM spend is burning fast',
    description:
      'LLM calls are costing {{ VALUE | printf "%.2f" }} USD per hour at the rate of the last 15 minutes ' +
      '(threshold 25 USD/h).',
    runbook: 'llmcostburnhigh',
    firstStep: 'Open the Cost & usage dashboard: which model and which users drive the spend.',
  },
  // --- usage ---
  {
    name: 'UsageExporterDown',
    group: 'usage',
    value: `up{job="${JOB.usageExporter}"}`,
    op: '<',
    threshold: 1,
    for: '2m',
    severity: 'critical',
    summary: 'The usage exporter {{ $labels.instance }} is down',
    description:
      'Prometheus cannot scrape the usage exporter {{ $labels.instance }}. The collector keeps usage spans in its ' +
      'persistent queue until it is back, but the usage API and budgets are stale.',
    runbook: 'usageexporterdown',
    firstStep: "Check the usage exporter's process or pod and its log; the collector queues usage until it is back.",
  },
  {
    name: 'UsageExporterRejecting',
    group: 'usage',
    value: `sum ${by('instance', 'reason')} (rate(${U.spansRejected}[5m]))`,
    op: '>',
    threshold: 0,
    for: '10m',
    severity: 'warning',
    summary: 'The usage exporter {{ $labels.instance }} is rejecting spans ({{ $labels.reason }})',
    description:
      'The usage exporter {{ $labels.instance }} rejected {{ VALUE | printf "%.2f" }} spans/s with reason ' +
      '"{{ $labels.reason }}" over the last 5 minutes.',
    runbook: 'usageexporterrejecting',
    firstStep:
      'reason=unavailable means Redis is down or slow; reason=invalid means malformed spans: read the exporter log.',
  },
  {
    name: 'UsageExporterRedisErrors',
    group: 'usage',
    value: `sum ${by('instance', 'operation')} (rate(${U.redisErrors}[5m]))`,
    op: '>',
    threshold: 0,
    for: '5m',
    severity: 'critical',
    summary: 'The usage exporter {{ $labels.instance }} gets Redis errors',
    description:
      'Redis {{ $labels.operation }} commands from the usage exporter {{ $labels.instance }} fail at ' +
      '{{ VALUE | printf "%.2f" }}/s over the last 5 minutes.',
    runbook: 'usageexporterrediserrors',
    firstStep: "Check Redis health (redis-cli ping, memory, cluster state) and the exporter's LLMTEL_REDIS_URL.",
  },
  {
    name: 'UsageQueueGrowing',
    group: 'usage',
    value: `sum ${by('instance', 'exporter')} (deriv(${C.queueSize}{exporter="${USAGE_EXPORTER}"}[10m]))`,
    op: '>',
    threshold: 0,
    for: '15m',
    severity: 'warning',
    summary: 'The collector queue towards the usage exporter keeps growing',
    description:
      'The persistent sending queue of {{ $labels.exporter }} on {{ $labels.instance }} has grown for 15 minutes ' +
      '({{ VALUE | printf "%.2f" }} batches/s): the usage exporter is not keeping up or not accepting.',
    runbook: 'usagequeuegrowing',
    firstStep: 'Check that the usage exporter is up and not rejecting; then its Redis latency.',
  },
  // --- pipeline ---
  {
    name: 'CollectorRefusingSpans',
    group: 'pipeline',
    value: `sum ${by('instance', 'receiver')} (rate(${C.receiverRefused}[5m]))`,
    op: '>',
    threshold: 0,
    for: '5m',
    severity: 'critical',
    summary: 'The collector {{ $labels.instance }} refuses spans',
    description:
      'Receiver {{ $labels.receiver }} on {{ $labels.instance }} refused {{ VALUE | printf "%.2f" }} spans/s over the ' +
      'last 5 minutes (usually the memory limiter): senders retry or drop them.',
    runbook: 'collectorrefusingspans',
    firstStep: 'Look for memory_limiter messages in the collector log; give it more memory or scale out.',
  },
  {
    name: 'CollectorDroppingSpans',
    group: 'pipeline',
    value: zeroPerExporter(`sum ${by('instance', 'exporter')} (rate(${C.exporterEnqueueFailed}[5m]))`),
    op: '>',
    threshold: 0,
    for: '5m',
    severity: 'critical',
    summary: 'The collector {{ $labels.instance }} drops spans for {{ $labels.exporter }}',
    description:
      'The sending queue of {{ $labels.exporter }} on {{ $labels.instance }} is full: {{ VALUE | printf "%.2f" }} ' +
      'spans/s are dropped.',
    runbook: 'collectordroppingspans',
    firstStep:
      'Find why the exporter cannot drain its queue (send failures, slow backend), then raise queue_size if bursts are legitimate.',
  },
  {
    name: 'CollectorExporterSendFailures',
    group: 'pipeline',
    value: zeroPerExporter(`sum ${by('instance', 'exporter')} (rate(${C.exporterSendFailed}[5m]))`),
    op: '>',
    threshold: 0,
    for: '10m',
    severity: 'warning',
    summary: 'The collector cannot send spans to {{ $labels.exporter }}',
    description:
      'Exporter {{ $labels.exporter }} on {{ $labels.instance }} failed to send {{ VALUE | printf "%.2f" }} spans/s ' +
      'over the last 5 minutes; they are retried from the queue until it fills.',
    runbook: 'collectorexportersendfailures',
    firstStep: "Read the collector log for the exporter's error and check that the backend is reachable.",
  },
  {
    name: 'CollectorQueueNearCapacity',
    group: 'pipeline',
    value: `max ${by('instance', 'exporter')} (${C.queueSize} / ${C.queueCapacity})`,
    op: '>',
    threshold: 0.8,
    for: '5m',
    severity: 'warning',
    summary: 'The sending queue of {{ $labels.exporter }} is nearly full',
    description:
      'The sending queue of {{ $labels.exporter }} on {{ $labels.instance }} is at {{ VALUE | humanizePercentage }} ' +
      'of its capacity; once full, new data is dropped.',
    runbook: 'collectorqueuenearcapacity',
    firstStep: 'Check the backend of that exporter; the queue fills when it is slow or down.',
  },
  // --- availability ---
  {
    name: 'ProbeDown',
    group: 'availability',
    value: `min ${by(P.provider, P.service)} (${P.up})`,
    op: '<',
    threshold: 1,
    for: '5m',
    severity: 'critical',
    summary: 'Probes of {{ $labels.llmtel_probe_provider }} {{ $labels.llmtel_probe_service }} fail',
    description:
      'The last probes of {{ $labels.llmtel_probe_provider }} {{ $labels.llmtel_probe_service }} were red for ' +
      '5 minutes: the endpoint is down, refuses the key or times out.',
    runbook: 'probedown',
    firstStep: "Open the prober status page for the error type; check the provider's status and the monitor's API key.",
  },
  {
    name: 'ProbeSlow',
    group: 'availability',
    value: R.probeDurationP95,
    op: '>',
    threshold: 10,
    for: '15m',
    severity: 'warning',
    summary: 'Probes of {{ $labels.llmtel_probe_provider }} {{ $labels.llmtel_probe_service }} are slow',
    description:
      'p95 probe duration of {{ $labels.llmtel_probe_provider }} {{ $labels.llmtel_probe_service }} is ' +
      '{{ VALUE | humanizeDuration }} over the last 15 minutes (threshold 10s).',
    runbook: 'probeslow',
    firstStep: 'Compare with the LLM overview latency of real traffic to the same provider.',
  },
];

export const ALERT_GROUP_TITLES: Record<AlertGroupName, string> = {
  llm: 'llmtel.llm',
  usage: 'llmtel.usage',
  pipeline: 'llmtel.pipeline',
  availability: 'llmtel.availability',
};

/** The runbook annotation: the first step and the section of docs/runbooks.md (one heading per alert). */
export function runbookText(a: AlertDefinition): string {
  return `${a.firstStep} Runbook: docs/runbooks.md#${a.runbook}`;
}

/** The full Prometheus alert expression of a definition. */
export function alertExpr(a: AlertDefinition): string {
  return `(${a.value}) ${a.op} ${a.threshold}`;
}

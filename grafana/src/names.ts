/**
 * Prometheus names every dashboard, recording rule and alert uses, after the collector's `prometheus` exporter has
 * translated the OTel names (dots → underscores, unit suffix added, `{annotation}` units dropped, `_total` on
 * counters; see shared/CONTRACT.md). Prometheus 2.42 has no UTF-8 names, so these are the only spellings.
 */

/** Fixed datasource uids, the same in grafana/provisioning/datasources and in every generated query. */
export const PROMETHEUS_UID = 'prometheus';
export const JAEGER_UID = 'jaeger';
export const PROMETHEUS_DS = { type: 'prometheus', uid: PROMETHEUS_UID };

/** Scrape job names in prometheus/prometheus*.yml. */
export const JOB = {
  collector: 'otel-collector',
  collectorInternal: 'otel-collector-internal',
  usageExporter: 'llmtel-usage-exporter',
} as const;

/** GenAI client metrics (OTel GenAI semantic conventions, recorded by @llmtel/core). */
export const M = {
  tokenUsageBucket: 'gen_ai_client_token_usage_bucket',
  tokenUsageSum: 'gen_ai_client_token_usage_sum',
  tokenUsageCount: 'gen_ai_client_token_usage_count',
  durationBucket: 'gen_ai_client_operation_duration_seconds_bucket',
  durationCount: 'gen_ai_client_operation_duration_seconds_count',
  ttfcBucket: 'gen_ai_client_operation_time_to_first_chunk_seconds_bucket',
  tpocBucket: 'gen_ai_client_operation_time_per_output_chunk_seconds_bucket',
  costTotal: 'llmtel_client_cost_usd_total',
} as const;

/** Labels of the GenAI metrics. Dashboards key on the provider name, never on an SDK name. */
export const L = {
  provider: 'gen_ai_provider_name',
  operation: 'gen_ai_operation_name',
  requestModel: 'gen_ai_request_model',
  responseModel: 'gen_ai_response_model',
  tokenType: 'gen_ai_token_type',
  errorType: 'error_type',
} as const;

/** The usage exporter's own metrics (packages/usage-exporter/src/metrics.ts). */
export const U = {
  spansReceived: 'llmtel_usage_exporter_spans_received_total',
  spansAccepted: 'llmtel_usage_exporter_spans_accepted_total',
  spansRejected: 'llmtel_usage_exporter_spans_rejected_total',
  recordsWritten: 'llmtel_usage_exporter_records_written_total',
  duplicatesSkipped: 'llmtel_usage_exporter_duplicates_skipped_total',
  httpRequests: 'llmtel_usage_exporter_http_requests_total',
  redisErrors: 'llmtel_usage_exporter_redis_errors_total',
  redisLatencyBucket: 'llmtel_usage_exporter_redis_latency_seconds_bucket',
  topUserCost: 'llmtel_usage_top_user_cost_usd',
} as const;

/** The prober's metrics (packages/prober/src/semconv.ts). */
export const P = {
  status: 'llmtel_probe_status',
  up: 'llmtel_probe_up',
  durationBucket: 'llmtel_probe_duration_seconds_bucket',
  durationCount: 'llmtel_probe_duration_seconds_count',
  provider: 'llmtel_probe_provider',
  service: 'llmtel_probe_service',
} as const;

/**
 * The collector's internal telemetry (exporterhelper / receiverhelper, v0.159): OTel Go SDK Prometheus exporter,
 * so monotonic sums carry `_total`.
 */
export const C = {
  receiverAccepted: 'otelcol_receiver_accepted_spans_total',
  receiverRefused: 'otelcol_receiver_refused_spans_total',
  exporterSent: 'otelcol_exporter_sent_spans_total',
  exporterSendFailed: 'otelcol_exporter_send_failed_spans_total',
  exporterEnqueueFailed: 'otelcol_exporter_enqueue_failed_spans_total',
  queueSize: 'otelcol_exporter_queue_size',
  queueCapacity: 'otelcol_exporter_queue_capacity',
  memoryRss: 'otelcol_process_memory_rss_bytes',
} as const;

/** The exporter name of the usage branch in otel-collector.yaml. */
export const USAGE_EXPORTER = 'otlp_http/usage';

/** Recording rule names: `level:metric:operations` (https://prometheus.io/docs/practices/rules/). */
export const R = {
  requestsRate5m: 'provider_model:gen_ai_client_operation_duration_seconds_count:rate5m',
  errorsRate5m: 'provider_model_error:gen_ai_client_operation_duration_seconds_count:rate5m',
  errorRatio5m: 'provider_model:gen_ai_client_operation_failures_per_operations:ratio_rate5m',
  durationP50: 'provider_model:gen_ai_client_operation_duration_seconds:p50_rate5m',
  durationP95: 'provider_model:gen_ai_client_operation_duration_seconds:p95_rate5m',
  durationP99: 'provider_model:gen_ai_client_operation_duration_seconds:p99_rate5m',
  ttfcP50: 'provider_model:gen_ai_client_operation_time_to_first_chunk_seconds:p50_rate5m',
  ttfcP95: 'provider_model:gen_ai_client_operation_time_to_first_chunk_seconds:p95_rate5m',
  tokensRate5m: 'provider_model_type:gen_ai_client_token_usage_sum:rate5m',
  costRate5m: 'provider_model:llmtel_client_cost_usd_total:rate5m',
  probeDurationP95: 'provider_service:llmtel_probe_duration_seconds:p95_rate15m',
} as const;

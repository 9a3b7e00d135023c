/**
 * Metric and attribute names the prober emits. One file so that the Prometheus rules and the Grafana availability
 * dashboard (see shared/CONTRACT.md) can be checked against the code.
 *
 * Prometheus names after the collector's translation (dots → underscores, unit suffix added, `{annotation}` units
 * dropped):
 * - `llmtel.probe.status`   → `llmtel_probe_status` (gauge: 0 red, 1 green, 2 yellow)
 * - `llmtel.probe.up`       → `llmtel_probe_up` (gauge: 1 unless the last probe was red)
 * - `llmtel.probe.duration` → `llmtel_probe_duration_seconds_bucket` / `_sum` / `_count`
 * - attributes              → labels `llmtel_probe_provider`, `llmtel_probe_service`, `error_type`
 *
 * `up` deliberately has no unit: the unit `1` would make the translation append `_ratio`.
 */

/** Gauge, unit `{status}`: the last probe's status (0 red, 1 green, 2 yellow). */
export const METRIC_LLMTEL_PROBE_STATUS = 'llmtel.probe.status';
/** Gauge, no unit: 1 when the last probe was green or yellow, 0 when it was red. */
export const METRIC_LLMTEL_PROBE_UP = 'llmtel.probe.up';
/** Histogram, unit `s`: the probe's duration, from sending the request to the end of the response body. */
export const METRIC_LLMTEL_PROBE_DURATION = 'llmtel.probe.duration';

/** The monitor's provider, as configured (bounded by the config file). */
export const ATTR_LLMTEL_PROBE_PROVIDER = 'llmtel.probe.provider';
/** The monitor's service, as configured (bounded by the config file). */
export const ATTR_LLMTEL_PROBE_SERVICE = 'llmtel.probe.service';
/** Span attribute: the probe's status (0 red, 1 green, 2 yellow). */
export const ATTR_LLMTEL_PROBE_STATUS = 'llmtel.probe.status';

// General OpenTelemetry attributes (stable HTTP semantic conventions).
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_URL_FULL = 'url.full';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';

/** Histogram boundaries (seconds) for probe durations: LLM calls range from tens of ms to tens of seconds. */
export const PROBE_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];

/** `error.type` values for failures that have no HTTP status code. */
export const PROBE_ERROR_TYPES = {
  TIMEOUT: 'timeout',
  CONNECTION_REFUSED: 'connection_refused',
  CONNECTION_RESET: 'connection_reset',
  TLS: 'tls_error',
  DNS: 'dns_error',
  OTHER: '_OTHER',
} as const;

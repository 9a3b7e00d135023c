import {
  metrics,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Histogram,
  type Meter,
  type MeterProvider,
  type ObservableGauge,
  type ObservableResult,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_LLMTEL_PROBE_PROVIDER,
  ATTR_LLMTEL_PROBE_SERVICE,
  ATTR_LLMTEL_PROBE_STATUS,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  METRIC_LLMTEL_PROBE_DURATION,
  METRIC_LLMTEL_PROBE_STATUS,
  METRIC_LLMTEL_PROBE_UP,
  PROBE_DURATION_BUCKETS,
} from './semconv.js';
import { PROBE_STATUS, type MonitorConfig, type ProbeResult } from './types.js';
import { monitorId, redactUrl } from './utils.js';

const SCOPE = '@llmtel/prober';
const SCOPE_VERSION = '0.1.0';

export interface ProbeTelemetryOptions {
  /** Default: the global meter provider (set by the OTel SDK the CLI starts). */
  meterProvider?: MeterProvider;
  /** Default: the global tracer provider. */
  tracerProvider?: TracerProvider;
}

function monitorAttributes(m: { provider: string; service: string }): Attributes {
  return { [ATTR_LLMTEL_PROBE_PROVIDER]: m.provider, [ATTR_LLMTEL_PROBE_SERVICE]: m.service };
}

function defaultPort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * The prober's metrics and spans. Status and up are observable gauges read from the last result of each configured
 * monitor, so a monitor removed from the config stops being reported instead of freezing at its last value.
 */
export class ProbeTelemetry {
  private readonly tracer: Tracer;
  private readonly meter: Meter;
  private readonly duration: Histogram;
  private readonly statusGauge: ObservableGauge;
  private readonly upGauge: ObservableGauge;
  private readonly last = new Map<string, ProbeResult>();
  private readonly observeStatus = (r: ObservableResult) => {
    for (const result of this.last.values()) r.observe(result.status, monitorAttributes(result));
  };
  private readonly observeUp = (r: ObservableResult) => {
    for (const result of this.last.values()) {
      r.observe(result.status === PROBE_STATUS.RED ? 0 : 1, monitorAttributes(result));
    }
  };

  constructor(opts: ProbeTelemetryOptions = {}) {
    this.tracer = (opts.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE, SCOPE_VERSION);
    this.meter = (opts.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE, SCOPE_VERSION);
    this.duration = this.meter.createHistogram(METRIC_LLMTEL_PROBE_DURATION, {
      description: 'Duration of synthetic probes of LLM endpoints, to the end of the response body',
      unit: 's',
      advice: { explicitBucketBoundaries: PROBE_DURATION_BUCKETS },
    });
    this.statusGauge = this.meter.createObservableGauge(METRIC_LLMTEL_PROBE_STATUS, {
      description: 'Status of the last probe: 0 red (down), 1 green (ok), 2 yellow (slow or transient)',
      unit: '{status}',
    });
    this.upGauge = this.meter.createObservableGauge(METRIC_LLMTEL_PROBE_UP, {
      description: '1 when the last probe was green or yellow, 0 when it was red',
    });
    this.statusGauge.addCallback(this.observeStatus);
    this.upGauge.addCallback(this.observeUp);
  }

  /** Starts the probe's CLIENT span. Only the redacted URL is recorded: never headers, body or key. */
  startSpan(monitor: MonitorConfig): Span {
    const url = new URL(monitor.url);
    return this.tracer.startSpan(`probe ${monitor.provider} ${monitor.service}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        ...monitorAttributes(monitor),
        [ATTR_HTTP_REQUEST_METHOD]: monitor.method,
        [ATTR_URL_FULL]: redactUrl(monitor.url),
        [ATTR_SERVER_ADDRESS]: url.hostname,
        [ATTR_SERVER_PORT]: defaultPort(url),
      },
    });
  }

  /** Ends the span and records the metrics of one probe. */
  record(span: Span, result: ProbeResult): void {
    span.setAttribute(ATTR_LLMTEL_PROBE_STATUS, result.status);
    if (result.httpStatus !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, result.httpStatus);
    if (result.errorType !== undefined) span.setAttribute(ATTR_ERROR_TYPE, result.errorType);
    if (result.status === PROBE_STATUS.RED) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.errorType ?? 'red' });
    }
    span.end();

    const attributes = monitorAttributes(result);
    if (result.errorType !== undefined) attributes[ATTR_ERROR_TYPE] = result.errorType;
    this.duration.record(result.latencyMs / 1000, attributes);
    this.last.set(monitorId(result), result);
  }

  /** Keeps the gauges to the configured monitors. */
  setMonitors(monitors: readonly MonitorConfig[]): void {
    const keep = new Set(monitors.map(monitorId));
    for (const id of this.last.keys()) if (!keep.has(id)) this.last.delete(id);
  }

  /** Detaches the gauge callbacks. */
  close(): void {
    this.statusGauge.removeCallback(this.observeStatus);
    this.upGauge.removeCallback(this.observeUp);
  }
}

import type { Attributes } from '@opentelemetry/api';
import type { MetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { InstrumentationName, InstrumentationConfigs } from './instrumentations.js';

/** OTLP transports, as spelled in `OTEL_EXPORTER_OTLP_PROTOCOL`. */
export type OtlpProtocol = 'grpc' | 'http/protobuf' | 'http/json';

/** Exporter names accepted in `OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER`. */
export type ExporterName = 'otlp' | 'console' | 'none';

/** Levels accepted in `OTEL_LOG_LEVEL`. */
export type LogLevelName = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

/**
 * Options for {@link start}. Every option falls back to the standard OpenTelemetry environment variable named in its
 * description, then to the default. A bad value here throws; a bad environment value logs a warning and falls back.
 */
export interface LlmtelNodeOptions {
  /** Turns everything off. Env `OTEL_SDK_DISABLED`. Default `false`. */
  disabled?: boolean;
  /** `service.name`. Env `OTEL_SERVICE_NAME`, then `service.name` in `OTEL_RESOURCE_ATTRIBUTES`. */
  serviceName?: string;
  /** Extra resource attributes, merged over `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: Attributes;

  /**
   * Where spans go: `'otlp'`, `'console'`, `'none'` or your own exporter. Env `OTEL_TRACES_EXPORTER`. Default `'otlp'`.
   */
  traceExporter?: ExporterName | SpanExporter;
  /**
   * OTLP transport for spans. Env `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, then `OTEL_EXPORTER_OTLP_PROTOCOL`. Default
   * `'grpc'`, unless the endpoint's port is the collector's well-known OTLP/HTTP port 4318.
   */
  tracesProtocol?: OtlpProtocol;
  /**
   * Full OTLP endpoint URL for spans (for HTTP, including `/v1/traces`). Env `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, then
   * `OTEL_EXPORTER_OTLP_ENDPOINT` (HTTP appends `/v1/traces`). Default `http://localhost:4317` (gRPC).
   */
  tracesEndpoint?: string;
  /** Sampler. Env `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`. Default `parentbased_always_on`. */
  sampler?: Sampler;
  /** Span processors added after the exporter's batch processor (for example your own exporter's processor). */
  spanProcessors?: SpanProcessor[];

  /**
   * Where metrics go: `'otlp'`, `'console'`, `'none'` or your own push exporter. Env `OTEL_METRICS_EXPORTER`.
   * Default `'otlp'`.
   */
  metricExporter?: ExporterName | PushMetricExporter;
  /**
   * OTLP transport for metrics. Env `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL`, then `OTEL_EXPORTER_OTLP_PROTOCOL`. Default
   * `'http/protobuf'`, unless the endpoint's port is the collector's well-known OTLP/gRPC port 4317.
   */
  metricsProtocol?: OtlpProtocol;
  /**
   * Full OTLP endpoint URL for metrics (for HTTP, including `/v1/metrics`). Env `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`,
   * then `OTEL_EXPORTER_OTLP_ENDPOINT`. Default `http://localhost:4318/v1/metrics`.
   */
  metricsEndpoint?: string;
  /** Push interval in milliseconds. Env `OTEL_METRIC_EXPORT_INTERVAL`. Default `60000`. */
  metricExportIntervalMillis?: number;
  /** Extra metric readers (for example a Prometheus pull exporter). */
  metricReaders?: MetricReader[];

  /**
   * Which llmtel instrumentations to enable and their configuration: `false` disables one, an object configures it.
   * Every installed instrumentation is enabled by default. Env `OTEL_NODE_ENABLED_INSTRUMENTATIONS` /
   * `OTEL_NODE_DISABLED_INSTRUMENTATIONS` (comma-separated names, for example `openai`).
   */
  instrumentations?: { [N in InstrumentationName]?: boolean | InstrumentationConfigs[N] } & {
    'vercel-ai'?: boolean | VercelAiIntegrationOptions;
  };
  /**
   * Record prompts and completions on spans, for every instrumentation that does not set its own value. Env
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` (read by each instrumentation). Default `false`.
   */
  captureMessageContent?: boolean;

  /** Flush on SIGTERM, SIGINT and `beforeExit`. Default `true`. */
  handleProcessExit?: boolean;
  /** Upper bound for the flush on exit, in milliseconds. Default `5000`. */
  exitFlushTimeoutMillis?: number;
  /** Diagnostic log level, written to the console. Env `OTEL_LOG_LEVEL`. Default `'warn'`. */
  logLevel?: LogLevelName;
}

/** Options of the Vercel AI SDK integration (`instrumentations['vercel-ai']`). */
export interface VercelAiIntegrationOptions {
  /**
   * AI SDK v7 makes spans only through a registered telemetry integration. When `ai` 7.x and `@ai-sdk/otel` 1.x are
   * installed in the app, llmtel registers `@ai-sdk/otel`'s `OpenTelemetry` integration, so AI SDK calls are traced
   * with no code. It steps aside for every call while the app has registered an `@ai-sdk/otel` integration itself,
   * so there is always one set of AI SDK spans. `false` leaves the registration to the app.
   *
   * Env `LLMTEL_VERCEL_AI_AUTO_REGISTER` (`true` / `false`). Default `true`.
   */
  autoRegister?: boolean;
}

/** What {@link start} returns. Every method is safe to call more than once and never rejects. */
export interface LlmtelNodeHandle {
  /** False when telemetry is disabled or the SDK could not start. */
  readonly enabled: boolean;
  /** Names of the instrumentations that were enabled, for example `['openai']`. */
  readonly instrumentations: readonly string[];
  /** Exports everything recorded so far. */
  forceFlush(): Promise<void>;
  /** Flushes, stops the exporters and instrumentations and releases the global SDK slot. */
  shutdown(): Promise<void>;
}

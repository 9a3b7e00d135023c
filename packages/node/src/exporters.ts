import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  AggregationTemporality,
  ConsoleMetricExporter,
  InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { ConsoleSpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { envValue, type Env } from './config.js';
import type { OtlpProtocol } from './types.js';

/**
 * OTLP exporters are loaded on their first export, not at start-up: each one pulls in its transport (gRPC alone costs
 * more than the whole rest of start-up), and a short-lived process that records nothing never needs one.
 */

type Loader<T> = () => Promise<T>;

function failed(error: unknown): ExportResult {
  return { code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) };
}

class LazySpanExporter implements SpanExporter {
  private readonly load: Loader<SpanExporter>;
  private exporter: Promise<SpanExporter> | undefined;

  constructor(load: Loader<SpanExporter>) {
    this.load = load;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exporter ??= this.load();
    this.exporter.then(
      (exporter) => exporter.export(spans, resultCallback),
      (err: unknown) => resultCallback(failed(err)),
    );
  }

  async shutdown(): Promise<void> {
    const exporter = await this.exporter?.catch(() => undefined);
    await exporter?.shutdown();
  }

  async forceFlush(): Promise<void> {
    const exporter = await this.exporter?.catch(() => undefined);
    await exporter?.forceFlush?.();
  }
}

/** The temporality the OTLP metric exporters pick (`OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`). */
export function temporalityFor(preference: string, instrumentType: InstrumentType): AggregationTemporality {
  const upDown =
    instrumentType === InstrumentType.UP_DOWN_COUNTER || instrumentType === InstrumentType.OBSERVABLE_UP_DOWN_COUNTER;
  if (preference === 'delta') return upDown ? AggregationTemporality.CUMULATIVE : AggregationTemporality.DELTA;
  if (preference === 'lowmemory') {
    return instrumentType === InstrumentType.COUNTER || instrumentType === InstrumentType.HISTOGRAM
      ? AggregationTemporality.DELTA
      : AggregationTemporality.CUMULATIVE;
  }
  return AggregationTemporality.CUMULATIVE;
}

export function resolveTemporalityPreference(env: Env): string {
  const found = envValue(env, 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE');
  if (!found) return 'cumulative';
  const lower = found.value.toLowerCase();
  if (lower === 'cumulative' || lower === 'delta' || lower === 'lowmemory') return lower;
  diag.warn(
    `llmtel: ${found.name}=${JSON.stringify(found.value)} is not cumulative, delta or lowmemory; using cumulative`,
  );
  return 'cumulative';
}

class LazyMetricExporter implements PushMetricExporter {
  private readonly load: Loader<PushMetricExporter>;
  private readonly temporality: string;
  private exporter: Promise<PushMetricExporter> | undefined;

  constructor(load: Loader<PushMetricExporter>, temporality: string) {
    this.load = load;
    this.temporality = temporality;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.exporter ??= this.load();
    this.exporter.then(
      (exporter) => exporter.export(metrics, resultCallback),
      (err: unknown) => resultCallback(failed(err)),
    );
  }

  // The metric reader asks for the temporality when it is created, before any exporter is loaded.
  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return temporalityFor(this.temporality, instrumentType);
  }

  async forceFlush(): Promise<void> {
    const exporter = await this.exporter?.catch(() => undefined);
    await exporter?.forceFlush();
  }

  async shutdown(): Promise<void> {
    const exporter = await this.exporter?.catch(() => undefined);
    await exporter?.shutdown();
  }
}

function exporterConfig(endpoint: string | undefined): { url?: string } {
  return endpoint === undefined ? {} : { url: endpoint };
}

/** A span exporter for `OTEL_TRACES_EXPORTER` entries; OTLP ones load their transport on first use. */
export function createSpanExporter(
  name: 'otlp' | 'console',
  protocol: OtlpProtocol,
  endpoint: string | undefined,
): SpanExporter {
  if (name === 'console') return new ConsoleSpanExporter();
  const config = exporterConfig(endpoint);
  switch (protocol) {
    case 'grpc':
      return new LazySpanExporter(async () => {
        const m = await import('@opentelemetry/exporter-trace-otlp-grpc');
        return new m.OTLPTraceExporter(config);
      });
    case 'http/json':
      return new LazySpanExporter(async () => {
        const m = await import('@opentelemetry/exporter-trace-otlp-http');
        return new m.OTLPTraceExporter(config);
      });
    case 'http/protobuf':
      return new LazySpanExporter(async () => {
        const m = await import('@opentelemetry/exporter-trace-otlp-proto');
        return new m.OTLPTraceExporter(config);
      });
  }
}

/** A push metric exporter for `OTEL_METRICS_EXPORTER` entries; OTLP ones load their transport on first use. */
export function createMetricExporter(
  name: 'otlp' | 'console',
  protocol: OtlpProtocol,
  endpoint: string | undefined,
  env: Env,
): PushMetricExporter {
  if (name === 'console') return new ConsoleMetricExporter();
  const config = exporterConfig(endpoint);
  const temporality = resolveTemporalityPreference(env);
  switch (protocol) {
    case 'grpc':
      return new LazyMetricExporter(async () => {
        const m = await import('@opentelemetry/exporter-metrics-otlp-grpc');
        return new m.OTLPMetricExporter(config);
      }, temporality);
    case 'http/json':
      return new LazyMetricExporter(async () => {
        const m = await import('@opentelemetry/exporter-metrics-otlp-http');
        return new m.OTLPMetricExporter(config);
      }, temporality);
    case 'http/protobuf':
      return new LazyMetricExporter(async () => {
        const m = await import('@opentelemetry/exporter-metrics-otlp-proto');
        return new m.OTLPMetricExporter(config);
      }, temporality);
  }
}

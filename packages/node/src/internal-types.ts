import type { Attributes } from '@opentelemetry/api';
import type { MetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SamplerSpec } from './config.js';
import type { LlmtelNodeHandle, OtlpProtocol } from './types.js';

/** Everything `start()` needs, resolved from options and env, before any SDK object exists. */
export interface ResolvedConfig {
  disabled: boolean;
  serviceName: string | undefined;
  resourceAttributes: Attributes;
  traces: {
    /** Empty: tracing off. */
    exporters: Array<'otlp' | 'console' | SpanExporter>;
    protocol: OtlpProtocol;
    /** From code only; env endpoints are read by the OTLP exporters themselves. */
    endpoint: string | undefined;
    sampler: Sampler | SamplerSpec;
    batch: {
      scheduledDelayMillis?: number;
      exportTimeoutMillis?: number;
      maxQueueSize?: number;
      maxExportBatchSize?: number;
    };
    extraProcessors: SpanProcessor[];
  };
  metrics: {
    /** Empty (and no extra readers): metrics off. */
    exporters: Array<'otlp' | 'console' | PushMetricExporter>;
    protocol: OtlpProtocol;
    endpoint: string | undefined;
    exportIntervalMillis: number;
    exportTimeoutMillis: number;
    extraReaders: MetricReader[];
  };
  propagators: Array<'tracecontext' | 'baggage'>;
  handleProcessExit: boolean;
  exitFlushTimeoutMillis: number;
}

/** The process-wide slot (`globalThis[Symbol.for('llmtel.node.sdk')]`) shared by the ESM and CJS copies. */
export interface SdkSlot {
  handle?: LlmtelNodeHandle;
  /** Modules the enabled instrumentations patch; the ESM loader hook only wraps these. */
  esmInclude?: Array<string | RegExp>;
  /** Set once a start-up failure has been logged, so a second `register` stays quiet. */
  failureLogged?: boolean;
  /** Set once the ESM loader hook is registered. */
  esmLoaderRegistered?: boolean;
}

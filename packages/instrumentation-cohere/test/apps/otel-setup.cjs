// Preloaded by the spawned-app tests (`--require ./otel-setup.cjs`, or through otel-setup.mjs): OpenTelemetry with
// the Cohere instrumentation, registered globally, every finished span printed as a `SPAN {json}` line, and the
// token usage metric printed as `METRIC {json}` lines before exit.
'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload on purpose */
const { context, trace, metrics } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { SimpleSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
const { AggregationTemporality, MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');
const { CohereInstrumentation } = require('@llmtel/instrumentation-cohere');

const stdoutExporter = {
  export(spans, done) {
    for (const span of spans) {
      const line = {
        name: span.name,
        kind: span.kind,
        scope: span.instrumentationScope.name,
        attributes: span.attributes,
      };
      process.stdout.write(`SPAN ${JSON.stringify(line)}\n`);
    }
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
};

class ManualReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  onForceFlush() {
    return Promise.resolve();
  }
  onShutdown() {
    return Promise.resolve();
  }
}

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(
  new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: stdoutExporter })] }),
);
const reader = new ManualReader();
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
new CohereInstrumentation();

let printed = false;
process.on('beforeExit', () => {
  if (printed) return;
  printed = true;
  void reader.collect().then(({ resourceMetrics }) => {
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== 'gen_ai.client.token.usage') continue;
        for (const point of metric.dataPoints) {
          const line = { attributes: point.attributes, count: point.value.count, sum: point.value.sum };
          process.stdout.write(`METRIC ${JSON.stringify(line)}\n`);
        }
      }
    }
  });
});

// The shared preload of spawned test apps (`--require`, or through otel-setup.mjs; see spawned-app.ts): OpenTelemetry
// registered globally with the instrumentations and span processors that `LLMTEL_TEST_OTEL` names, every finished
// span printed as a `SPAN {json}` line, and the token usage metric printed as `METRIC {json}` lines before exit.
'use strict';
/* global require, __filename */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload on purpose */
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { context, propagation, trace, metrics } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { W3CTraceContextPropagator } = require('@opentelemetry/core');
const { SimpleSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
const { AggregationTemporality, MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');

const config = JSON.parse(process.env.LLMTEL_TEST_OTEL ?? '{}');
// The app's packages (the instrumentations among them) resolve from its working directory, as its own requires do.
const appRequire = createRequire(join(process.cwd(), 'app.cjs'));

/** A new instance of `'<module>#<export>'`. */
function construct(name) {
  const [moduleName, exportName] = name.split('#');
  const Class = appRequire(moduleName)[exportName];
  if (typeof Class !== 'function') throw new Error(`${__filename}: ${name} is not a class`);
  return new Class();
}

const stdoutExporter = {
  export(spans, done) {
    for (const span of spans) {
      const line = {
        name: span.name,
        kind: span.kind,
        scope: span.instrumentationScope.name,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: span.parentSpanContext?.spanId,
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
if (config.propagator === true) propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const reader = new ManualReader();
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
trace.setGlobalTracerProvider(
  new TracerProvider({
    spanProcessors: [
      ...(config.spanProcessors ?? []).map(construct),
      new SimpleSpanProcessor({ exporter: stdoutExporter }),
    ],
  }),
);
for (const name of config.instrumentations ?? []) construct(name);

const PRINTED = Symbol.for('llmtel.test.metricsPrinted');
process.on('beforeExit', () => {
  if (globalThis[PRINTED]) return;
  globalThis[PRINTED] = true;
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

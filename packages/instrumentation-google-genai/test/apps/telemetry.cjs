'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload on purpose */
// `node --require ./telemetry.cjs app.cjs`: in-memory tracing with the instrumentation (CommonJS build); the
// finished spans are printed as one `SPANS <json>` line when the process exits.
const { writeSync } = require('node:fs');
const { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
const { GoogleGenAIInstrumentation } = require('@llmtel/instrumentation-google-genai');

const exporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const instrumentation = new GoogleGenAIInstrumentation();
instrumentation.setTracerProvider(tracerProvider);

process.on('exit', () => {
  const spans = exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes }));
  writeSync(1, `SPANS ${JSON.stringify(spans)}\n`);
});

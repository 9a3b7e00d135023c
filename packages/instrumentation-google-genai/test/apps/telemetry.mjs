// `node --import ./telemetry.mjs app.mjs`: registers the ES module loader hook the instrumentation patches imports
// through, then the same in-memory tracing as telemetry.cjs, from the instrumentation's ES module build.
import { writeSync } from 'node:fs';
import { register } from 'node:module';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { GoogleGenAIInstrumentation } from '@llmtel/instrumentation-google-genai';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const exporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const instrumentation = new GoogleGenAIInstrumentation();
instrumentation.setTracerProvider(tracerProvider);

process.on('exit', () => {
  const spans = exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes }));
  writeSync(1, `SPANS ${JSON.stringify(spans)}\n`);
});

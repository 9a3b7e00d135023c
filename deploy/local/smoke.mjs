#!/usr/bin/env node
// Hand-run smoke check of the local stack: `node deploy/local/smoke.mjs [--keep]`.
// Starts the stack (or uses the one already up), sends one GenAI span (with a secret and message content) and one
// plain span over OTLP gRPC, and GenAI metrics over OTLP HTTP (with the deprecated gen_ai.system only), then checks:
// Jaeger's v3 API has the trace (secret masked), the usage branch delivered (usage API totals, or the collector's
// otlp_http/usage exporter counters when the usage exporter is not built), the collector's Prometheus endpoint has
// the underscore-translated series with the provider backfilled, span metrics for the plain span, and Prometheus
// scrapes the collector. Uses OpenTelemetry JS packages from the workspace's node_modules.
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { apiToken, stackStatus, startStack, stackEndpoints, resolveStackOptions } from './stack-lib.mjs';

const { values } = parseArgs({ args: process.argv.slice(2), options: { keep: { type: 'boolean' } } });
const log = (line) => console.log(line);
const results = [];
const check = (name, ok, detail = '') => {
  results.push({ name, ok });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}${detail ? `: ${detail}` : ''}`);
};

async function waitFor(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      console.log(
        `  gave up waiting for ${what} after ${timeoutMs} ms (${last instanceof Error ? last.message : last})`,
      );
      return undefined;
    }
    await sleep(500);
  }
}

async function getJson(url, headers = {}) {
  const res = await globalThis.fetch(url, { headers, signal: globalThis.AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${url} → ${res.status}`);
  return res.json();
}

async function getText(url) {
  const res = await globalThis.fetch(url, { signal: globalThis.AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${url} → ${res.status}`);
  return res.text();
}

const status = await stackStatus();
const alreadyUp = Object.values(status).every((s) => s.healthy || (!s.running && s === status['usage-exporter']));
let stack;
if (alreadyUp) {
  log('using the stack that is already up (tail sampling as configured there)');
} else {
  // 100 % so that the plain OK trace is kept too; errors and slow traces are kept whatever the percentage.
  stack = await startStack({ log, samplingPercentage: 100, decisionWait: '2s' });
}
const opts = stack?.options ?? resolveStackOptions();
const endpoints = stack?.endpoints ?? stackEndpoints(opts);
const usageUp = (await stackStatus(opts))['usage-exporter'].healthy;

const runId = Date.now().toString(36);
const userId = `smoke-user-${runId}`;
const resource = resourceFromAttributes({ 'service.name': 'llmtel-smoke', 'service.instance.id': runId });

// --- traces over OTLP gRPC ---------------------------------------------------------------------------------------
const traceExporter = new OTLPTraceExporter({ url: endpoints.otlpGrpc });
const tracerProvider = new TracerProvider({
  resource,
  spanProcessors: [new SimpleSpanProcessor({ exporter: traceExporter })],
});
const tracer = tracerProvider.getTracer('llmtel-smoke');
const started = Date.now() - 1500;
const genai = tracer.startSpan('chat gpt-4o-mini', {
  kind: SpanKind.CLIENT,
  startTime: started,
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.response.id': `chatcmpl-smoke-${runId}`,
    'gen_ai.usage.input_tokens': 120,
    'gen_ai.usage.output_tokens': 30,
    'llmtel.usage.cost_usd': 0.000036,
    'llmtel.usage.billable': true,
    'user.id': userId,
    'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hello' }] }]),
    'http.request.header.authorization': 'Bearer abcdefghijklmnop0123456789',
    'llmtel.smoke.note': 'key sk-proj-abcdefghijklmnopqrstuvwxyz012345 leaked into an attribute',
  },
});
genai.end(started + 1200);
const plain = tracer.startSpan('GET /healthz', { kind: SpanKind.SERVER, startTime: started });
plain.setStatus({ code: SpanStatusCode.OK });
plain.end(started + 5);
await tracerProvider.forceFlush();
await tracerProvider.shutdown();
const traceId = genai.spanContext().traceId;
log(`sent GenAI span trace ${traceId} and a plain span for user ${userId}`);

// --- metrics over OTLP HTTP ----------------------------------------------------------------------------------------
const meterProvider = new MeterProvider({
  resource,
  readers: [
    new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${endpoints.otlpHttp}/v1/metrics` }),
      exportIntervalMillis: 60_000,
    }),
  ],
});
const meter = meterProvider.getMeter('llmtel-smoke');
// Only the deprecated gen_ai.system: the collector must backfill gen_ai.provider.name.
const attrs = { 'gen_ai.system': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini' };
meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' }).record(1.2, attrs);
meter.createCounter('llmtel.client.cost_usd', { unit: '{USD}' }).add(0.000036, attrs);
await meterProvider.forceFlush();
await meterProvider.shutdown();
log('sent gen_ai.client.operation.duration and llmtel.client.cost_usd');

// --- checks --------------------------------------------------------------------------------------------------------
const trace = await waitFor(
  'the trace in Jaeger',
  async () => {
    const body = await getJson(`${endpoints.jaeger}/api/v3/traces/${traceId}`);
    const spans = body.result?.resourceSpans?.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)) ?? [];
    return spans.length ? spans : undefined;
  },
  30_000,
);
check('Jaeger /api/v3/traces/{id} returns the GenAI span', Boolean(trace));
if (trace) {
  const attr = (key) => trace[0].attributes.find((a) => a.key === key)?.value;
  check('span keeps its GenAI attributes', attr('gen_ai.usage.input_tokens')?.intValue === '120');
  const auth = attr('http.request.header.authorization')?.stringValue ?? '';
  const note = attr('llmtel.smoke.note')?.stringValue ?? '';
  check('bearer token and API key masked by redaction', !auth.includes('abcdefgh') && !note.includes('sk-proj'), note);
}

const collectorMetrics = await waitFor(
  'the GenAI series on the collector Prometheus endpoint',
  async () => {
    const text = await getText(endpoints.collectorMetrics);
    return text.includes('llmtel_client_cost_usd_total') && text.includes('gen_ai_client_operation_duration_seconds')
      ? text
      : undefined;
  },
  20_000,
);
check(
  'collector :8889 serves gen_ai_client_operation_duration_seconds_bucket and llmtel_client_cost_usd_total',
  Boolean(collectorMetrics),
);
check(
  'gen_ai.provider.name backfilled from gen_ai.system on datapoints',
  /llmtel_client_cost_usd_total\{[^}]*gen_ai_provider_name="openai"/.test(collectorMetrics ?? ''),
);
const spanMetrics = await waitFor(
  'span metrics of the plain span',
  async () => {
    const text = await getText(endpoints.collectorMetrics);
    return /traces_span_metrics_calls_total\{[^}]*span_name="GET \/healthz"/.test(text) ? text : undefined;
  },
  40_000,
);
check('span_metrics counts the non-GenAI span', Boolean(spanMetrics));
check(
  'span_metrics leaves GenAI spans out',
  Boolean(spanMetrics) && !/traces_span_metrics_calls_total\{[^}]*span_name="chat gpt-4o-mini"/.test(spanMetrics),
);

if (usageUp) {
  const report = await waitFor(
    'the usage API totals',
    async () => {
      const body = await getJson(`${endpoints.usageExporter}/v1/usage?user=${encodeURIComponent(userId)}`, {
        authorization: `Bearer ${apiToken(opts)}`,
      });
      return body.totals?.requests > 0 ? body : undefined;
    },
    30_000,
  );
  check(
    'usage exporter stored the GenAI span (1 request, 120 in, 30 out)',
    report?.totals.requests === 1 && report.totals.input_tokens === 120 && report.totals.output_tokens === 30,
    JSON.stringify(report?.totals),
  );
} else {
  log('usage exporter not running: checking that the collector tried to deliver to it');
}
const delivery = await waitFor(
  'otlp_http/usage exporter activity in the collector telemetry',
  async () => {
    const text = await getText(endpoints.collectorTelemetry);
    const line = text
      .split('\n')
      .find(
        (l) =>
          /^otelcol_exporter_(sent|send_failed)_spans(_total)?\{/.test(l) &&
          l.includes('exporter="otlp_http/usage"') &&
          Number(l.split(' ').at(-1)) > 0,
      );
    return line;
  },
  30_000,
);
check('collector otlp_http/usage attempted delivery', Boolean(delivery), delivery);

const target = await waitFor(
  'Prometheus scraping the collector',
  async () => {
    const body = await getJson(
      `${endpoints.prometheus}/api/v1/query?query=${encodeURIComponent('up{job="otel-collector"}')}`,
    );
    return body.data.result.some((r) => r.value[1] === '1') ? body : undefined;
  },
  30_000,
);
check('Prometheus target otel-collector is up', Boolean(target));
const scraped = await waitFor(
  'the cost series in Prometheus',
  async () => {
    const q = encodeURIComponent(
      `llmtel_client_cost_usd_total{service_instance_id="${runId}"} or llmtel_client_cost_usd_total{instance="${runId}"}`,
    );
    const body = await getJson(`${endpoints.prometheus}/api/v1/query?query=${q}`);
    return body.data.result.length ? body : undefined;
  },
  30_000,
);
check('Prometheus has llmtel_client_cost_usd_total from this run', Boolean(scraped));

if (stack && !values.keep) await stack.stop();
const failed = results.filter((r) => !r.ok).length;
console.log(`\n${results.length - failed}/${results.length} checks passed`);
process.exitCode = failed ? 1 : 0;

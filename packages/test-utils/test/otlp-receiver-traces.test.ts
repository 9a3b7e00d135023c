import assert from 'node:assert/strict';
import { Metadata } from '@grpc/grpc-js';
import { after, before, describe, it } from 'node:test';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { startOtlpReceiver, type OtlpReceiver, type OtlpTransport } from '@llmtel/test-utils';

const cases: { label: string; transport: OtlpTransport; exporter: (r: OtlpReceiver) => SpanExporter }[] = [
  { label: 'grpc', transport: 'grpc', exporter: (r) => new GrpcTraceExporter({ url: r.grpcEndpoint }) },
  {
    label: 'grpc + gzip',
    transport: 'grpc',
    exporter: (r) => new GrpcTraceExporter({ url: r.grpcEndpoint, compression: CompressionAlgorithm.GZIP }),
  },
  {
    label: 'http/protobuf',
    transport: 'http/protobuf',
    exporter: (r) => new ProtoTraceExporter({ url: `${r.httpEndpoint}/v1/traces` }),
  },
  {
    label: 'http/protobuf + gzip',
    transport: 'http/protobuf',
    exporter: (r) =>
      new ProtoTraceExporter({ url: `${r.httpEndpoint}/v1/traces`, compression: CompressionAlgorithm.GZIP }),
  },
  {
    label: 'http/json',
    transport: 'http/json',
    exporter: (r) => new JsonTraceExporter({ url: `${r.httpEndpoint}/v1/traces` }),
  },
  {
    label: 'http/json + gzip',
    transport: 'http/json',
    exporter: (r) =>
      new JsonTraceExporter({ url: `${r.httpEndpoint}/v1/traces`, compression: CompressionAlgorithm.GZIP }),
  },
];

void describe('OTLP receiver: spans from the real OTel exporters', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  for (const c of cases) {
    void it(`round-trips spans over ${c.label}`, async () => {
      receiver.clear();
      const provider = new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'receiver-test', 'deployment.environment.name': 'ci' }),
        spanProcessors: [new SimpleSpanProcessor({ exporter: c.exporter(receiver) })],
      });
      const tracer = provider.getTracer('test-scope', '1.2.3');
      const parentSpan = tracer.startSpan('parent');
      {
        const child = tracer.startSpan(
          'chat gpt-4o-mini',
          {
            kind: SpanKind.CLIENT,
            attributes: {
              'gen_ai.request.model': 'gpt-4o-mini',
              'gen_ai.usage.input_tokens': 22,
              'gen_ai.usage.output_tokens': 0,
              'llmtel.usage.cost_usd': 0.000123,
              'llmtel.usage.billable': true,
              'llmtel.usage.estimated': false,
              'gen_ai.response.finish_reasons': ['stop', 'length'],
              'test.int_array': [1, 2, 3],
              'test.empty_string': '',
            },
          },
          trace.setSpan(context.active(), parentSpan),
        );
        child.addEvent('gen_ai.first_chunk', { 'test.index': 7 });
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
        child.end();
        parentSpan.end();
      }
      await provider.forceFlush();
      const { spans } = await receiver.waitFor((r) => r.spans.length >= 2);
      await provider.shutdown();

      const child = spans.find((s) => s.name === 'chat gpt-4o-mini');
      const parent = spans.find((s) => s.name === 'parent');
      assert.ok(child && parent);
      assert.equal(child.transport, c.transport);
      assert.match(child.traceId, /^[0-9a-f]{32}$/);
      assert.match(child.spanId, /^[0-9a-f]{16}$/);
      assert.equal(child.traceId, parent.traceId);
      assert.equal(child.parentSpanId, parent.spanId);
      assert.equal(parent.parentSpanId, undefined);
      assert.equal(child.kind, 'CLIENT');
      assert.equal(parent.kind, 'INTERNAL');
      assert.deepEqual(child.status, { code: 'ERROR', message: 'boom' });
      assert.equal(parent.status.code, 'UNSET');
      assert.ok(BigInt(child.endTimeUnixNano) >= BigInt(child.startTimeUnixNano));
      assert.ok(BigInt(child.startTimeUnixNano) > 1_600_000_000_000_000_000n);

      assert.deepEqual(child.attributes, {
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 22,
        'gen_ai.usage.output_tokens': 0,
        'llmtel.usage.cost_usd': 0.000123,
        'llmtel.usage.billable': true,
        'llmtel.usage.estimated': false,
        'gen_ai.response.finish_reasons': ['stop', 'length'],
        'test.int_array': [1, 2, 3],
        'test.empty_string': '',
      });
      assert.equal(child.attributeTypes['gen_ai.usage.input_tokens'], 'int');
      assert.equal(child.attributeTypes['gen_ai.usage.output_tokens'], 'int');
      assert.equal(child.attributeTypes['llmtel.usage.cost_usd'], 'double');
      assert.equal(child.attributeTypes['llmtel.usage.billable'], 'bool');
      assert.equal(child.attributeTypes['gen_ai.response.finish_reasons'], 'array');
      assert.equal(child.events.length, 1);
      assert.equal(child.events[0]?.name, 'gen_ai.first_chunk');
      assert.deepEqual(child.events[0]?.attributes, { 'test.index': 7 });

      assert.equal(child.resource['service.name'], 'receiver-test');
      assert.equal(child.resource['deployment.environment.name'], 'ci');
      assert.deepEqual(child.scope, { name: 'test-scope', version: '1.2.3' });

      assert.ok(receiver.rawBodies.length >= 1);
      assert.ok(receiver.rawBodies.some((b) => b.includes('gpt-4o-mini')));
      assert.ok(receiver.requests.every((r) => r.signal === 'traces' && r.transport === c.transport));
      if (c.transport !== 'grpc') {
        const encoding = c.label.endsWith('gzip') ? 'gzip' : undefined;
        assert.ok(receiver.requests.every((r) => r.headers['content-encoding'] === encoding));
      }
    });
  }

  void it('keeps exporter headers (gRPC metadata and HTTP headers)', async () => {
    receiver.clear();
    const metadata = new Metadata();
    metadata.set('x-tenant', 't1');
    for (const exporter of [
      new GrpcTraceExporter({ url: receiver.grpcEndpoint, metadata }),
      new ProtoTraceExporter({ url: `${receiver.httpEndpoint}/v1/traces`, headers: { 'x-tenant': 't1' } }),
    ]) {
      const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
      provider.getTracer('t').startSpan('s').end();
      await provider.forceFlush();
      await provider.shutdown();
    }
    await receiver.waitFor((r) => r.spans.length >= 2);
    assert.deepEqual(
      receiver.requests.map((r) => [r.transport, r.headers['x-tenant']]),
      [
        ['grpc', 't1'],
        ['http/protobuf', 't1'],
      ],
    );
  });
});

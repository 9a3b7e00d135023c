import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { startOtlpReceiver, type OtlpReceiver, type OtlpTransport } from '@llmtel/test-utils';

const cases: { label: string; transport: OtlpTransport; exporter: (r: OtlpReceiver) => PushMetricExporter }[] = [
  { label: 'grpc', transport: 'grpc', exporter: (r) => new GrpcMetricExporter({ url: r.grpcEndpoint }) },
  {
    label: 'http/protobuf + gzip',
    transport: 'http/protobuf',
    exporter: (r) =>
      new ProtoMetricExporter({ url: `${r.httpEndpoint}/v1/metrics`, compression: CompressionAlgorithm.GZIP }),
  },
  {
    label: 'http/json',
    transport: 'http/json',
    exporter: (r) => new JsonMetricExporter({ url: `${r.httpEndpoint}/v1/metrics` }),
  },
];

void describe('OTLP receiver: metrics from the real OTel exporters', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  for (const c of cases) {
    void it(`round-trips histograms, sums and gauges over ${c.label}`, async () => {
      receiver.clear();
      const provider = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': 'receiver-test' }),
        // A long interval: the test flushes explicitly, so exactly one export happens.
        readers: [new PeriodicExportingMetricReader({ exporter: c.exporter(receiver), exportIntervalMillis: 600_000 })],
      });
      const meter = provider.getMeter('test-meter', '0.1.0');
      const tokens = meter.createHistogram('gen_ai.client.token.usage', {
        unit: '{token}',
        description: 'Measures number of input and output tokens used',
        advice: { explicitBucketBoundaries: [1, 10, 100] },
      });
      const attrs = { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' };
      tokens.record(22, { ...attrs, 'gen_ai.token.type': 'input' });
      tokens.record(4, { ...attrs, 'gen_ai.token.type': 'output' });
      tokens.record(150, { ...attrs, 'gen_ai.token.type': 'input' });
      const cost = meter.createCounter('llmtel.client.cost', { unit: 'USD' });
      cost.add(0.25, { ...attrs, 'test.flags': ['a', 'b'] });
      cost.add(0.5, { ...attrs, 'test.flags': ['a', 'b'] });
      const requests = meter.createUpDownCounter('test.in_flight');
      requests.add(3);
      requests.add(-1);
      meter.createGauge('test.queue.depth').record(0);

      await provider.forceFlush();
      const { metrics } = await receiver.waitFor((r) => r.metrics.length >= 4);
      await provider.shutdown();

      const byName = new Map(metrics.map((m) => [m.name, m]));
      const hist = byName.get('gen_ai.client.token.usage');
      assert.ok(hist);
      assert.equal(hist.transport, c.transport);
      assert.equal(hist.type, 'histogram');
      assert.equal(hist.unit, '{token}');
      assert.equal(hist.description, 'Measures number of input and output tokens used');
      assert.equal(hist.temporality, 'cumulative');
      assert.deepEqual(hist.scope, { name: 'test-meter', version: '0.1.0' });
      assert.equal(hist.resource['service.name'], 'receiver-test');
      const input = hist.dataPoints.find((p) => p.attributes['gen_ai.token.type'] === 'input');
      const output = hist.dataPoints.find((p) => p.attributes['gen_ai.token.type'] === 'output');
      assert.ok(input && output);
      assert.deepEqual(input.attributes, { ...attrs, 'gen_ai.token.type': 'input' });
      assert.equal(input.count, 2);
      assert.equal(input.sum, 172);
      assert.equal(input.min, 22);
      assert.equal(input.max, 150);
      assert.deepEqual(input.explicitBounds, [1, 10, 100]);
      assert.deepEqual(input.bucketCounts, [0, 0, 1, 1]);
      assert.deepEqual(output.bucketCounts, [0, 1, 0, 0]);
      assert.ok(BigInt(input.timeUnixNano) >= BigInt(input.startTimeUnixNano));

      const costMetric = byName.get('llmtel.client.cost');
      assert.equal(costMetric?.type, 'sum');
      assert.equal(costMetric.isMonotonic, true);
      assert.equal(costMetric.dataPoints.length, 1);
      assert.equal(costMetric.dataPoints[0]?.value, 0.75);
      assert.equal(costMetric.dataPoints[0]?.valueType, 'double');
      assert.deepEqual(costMetric.dataPoints[0]?.attributes['test.flags'], ['a', 'b']);
      assert.equal(costMetric.dataPoints[0]?.attributeTypes['test.flags'], 'array');

      const inFlight = byName.get('test.in_flight');
      assert.equal(inFlight?.type, 'sum');
      assert.equal(inFlight.isMonotonic, false);
      assert.equal(inFlight.dataPoints[0]?.value, 2);

      const gauge = byName.get('test.queue.depth');
      assert.equal(gauge?.type, 'gauge');
      assert.equal(gauge.dataPoints[0]?.value, 0);
      assert.equal(gauge.temporality, undefined);

      assert.ok(receiver.rawBodies.some((b) => b.includes('gen_ai.client.token.usage')));
    });
  }
});

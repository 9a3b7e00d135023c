import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
// Internal resolvers, not part of the public API: imported from the build.
import {
  resolveDisabled,
  resolveEndpoint,
  resolveExporterNames,
  resolveInstrumentationEnabled,
  resolveMetricTiming,
  resolveProtocol,
  resolveSamplerSpec,
  resolveVercelAiAutoRegister,
} from '../dist/esm/config.js';

function captureWarnings(fn: () => void): string[] {
  const warnings: string[] = [];
  const logger: DiagLogger = {
    error: (m) => warnings.push(m),
    warn: (m) => warnings.push(m),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  try {
    fn();
  } finally {
    diag.disable();
  }
  return warnings;
}

describe('config resolvers', () => {
  test('protocol: code, then the signal env, then the generic env, then the per-signal default', () => {
    assert.equal(resolveProtocol(undefined, 'TRACES', undefined, {}), 'grpc');
    assert.equal(resolveProtocol(undefined, 'METRICS', undefined, {}), 'http/protobuf');
    assert.equal(
      resolveProtocol(undefined, 'TRACES', undefined, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }),
      'http/json',
    );
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' };
    assert.equal(resolveProtocol(undefined, 'TRACES', undefined, env), 'http/protobuf');
    assert.equal(resolveProtocol('grpc', 'TRACES', undefined, env), 'grpc');
  });

  test("protocol: without configuration, a collector's well-known port decides", () => {
    assert.equal(resolveProtocol(undefined, 'METRICS', 'http://collector:4317', {}), 'grpc');
    assert.equal(resolveProtocol(undefined, 'TRACES', 'http://collector:4318', {}), 'http/protobuf');
    assert.equal(resolveProtocol(undefined, 'TRACES', 'https://otlp.example.com', {}), 'grpc');
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    assert.equal(resolveProtocol(undefined, 'METRICS', 'http://collector:4317', env), 'http/json');
  });

  test('a bad env value warns and falls back; a bad code value throws', () => {
    let result: string | undefined;
    const warnings = captureWarnings(() => {
      result = resolveProtocol(undefined, 'TRACES', undefined, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'udp' });
    });
    assert.equal(result, 'grpc');
    assert.match(warnings.join('\n'), /OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="udp"/);
    assert.throws(() => resolveProtocol('udp' as never, 'TRACES', undefined, {}), RangeError);
  });

  test('endpoint: signal env before generic env; code must be a URL', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://b:1/v1/m',
    };
    assert.equal(resolveEndpoint(undefined, 'METRICS', env), 'http://b:1/v1/m');
    assert.equal(resolveEndpoint(undefined, 'TRACES', env), 'http://a:4318');
    assert.throws(() => resolveEndpoint('nope', 'TRACES', env), TypeError);
  });

  test('sampler', () => {
    assert.deepEqual(resolveSamplerSpec({}), { name: 'parentbased_always_on', ratio: 1 });
    assert.deepEqual(resolveSamplerSpec({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }), {
      name: 'traceidratio',
      ratio: 0.25,
    });
    let spec;
    const warnings = captureWarnings(() => {
      spec = resolveSamplerSpec({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' });
    });
    assert.deepEqual(spec, { name: 'parentbased_traceidratio', ratio: 1 });
    assert.equal(warnings.length, 1);
    const unknown = captureWarnings(() => {
      spec = resolveSamplerSpec({ OTEL_TRACES_SAMPLER: 'jaeger_remote' });
    });
    assert.deepEqual(spec, { name: 'parentbased_always_on', ratio: 1 });
    assert.equal(unknown.length, 1);
  });

  test('exporters, disabled flag, metric timing, instrumentation switches', () => {
    assert.deepEqual(resolveExporterNames(undefined, 'OTEL_TRACES_EXPORTER', {}), ['otlp']);
    assert.deepEqual(resolveExporterNames(undefined, 'OTEL_TRACES_EXPORTER', { OTEL_TRACES_EXPORTER: 'none' }), []);
    assert.deepEqual(
      resolveExporterNames(undefined, 'OTEL_METRICS_EXPORTER', { OTEL_METRICS_EXPORTER: 'console, otlp' }),
      ['console', 'otlp'],
    );
    assert.equal(resolveDisabled(undefined, { OTEL_SDK_DISABLED: 'TRUE' }), true);
    assert.equal(resolveDisabled(undefined, { OTEL_SDK_DISABLED: 'false' }), false);
    assert.deepEqual(resolveMetricTiming(undefined, { OTEL_METRIC_EXPORT_INTERVAL: '1000' }), {
      exportIntervalMillis: 1000,
      exportTimeoutMillis: 1000,
    });
    assert.equal(resolveInstrumentationEnabled('openai', undefined, {}), true);
    assert.equal(
      resolveInstrumentationEnabled('openai', undefined, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'openai' }),
      false,
    );
    assert.equal(
      resolveInstrumentationEnabled('openai', undefined, { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'anthropic' }),
      false,
    );
    assert.equal(resolveInstrumentationEnabled('openai', {}, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'openai' }), true);
  });

  test('vercel-ai autoRegister: code, then LLMTEL_VERCEL_AI_AUTO_REGISTER, else on; a bad env value warns', () => {
    assert.equal(resolveVercelAiAutoRegister(undefined, {}), true);
    assert.equal(resolveVercelAiAutoRegister(undefined, { LLMTEL_VERCEL_AI_AUTO_REGISTER: 'False' }), false);
    assert.equal(resolveVercelAiAutoRegister(undefined, { LLMTEL_VERCEL_AI_AUTO_REGISTER: ' true ' }), true);
    assert.equal(resolveVercelAiAutoRegister(true, { LLMTEL_VERCEL_AI_AUTO_REGISTER: 'false' }), true);
    assert.equal(resolveVercelAiAutoRegister(false, {}), false);
    let result: boolean | undefined;
    const warnings = captureWarnings(() => {
      result = resolveVercelAiAutoRegister(undefined, { LLMTEL_VERCEL_AI_AUTO_REGISTER: 'off' });
    });
    assert.equal(result, true);
    assert.match(warnings.join('\n'), /LLMTEL_VERCEL_AI_AUTO_REGISTER="off" is not true or false; using true/);
    assert.throws(() => resolveVercelAiAutoRegister('false', {}), TypeError);
  });
});

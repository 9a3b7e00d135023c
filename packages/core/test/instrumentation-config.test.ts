import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ENV_CAPTURE_MESSAGE_CONTENT, telemetryFromConfig } from '@llmtel/core';
import { createTestOtel } from '@llmtel/test-utils';

const otel = createTestOtel();
const providers = {
  tracer: () => otel.tracerProvider.getTracer('test'),
  meter: () => otel.meterProvider.getMeter('test'),
};

describe('telemetryFromConfig', () => {
  afterEach(() => {
    delete process.env[ENV_CAPTURE_MESSAGE_CONTENT];
  });

  it('refuses a content redactor that is not a function, and a bad maxContentLength', () => {
    assert.throws(() => telemetryFromConfig({ contentRedactor: 'mask' as never }, providers), {
      name: 'TypeError',
      message: 'contentRedactor must be a function',
    });
    assert.throws(() => telemetryFromConfig({ maxContentLength: 0 }, providers), { name: 'RangeError' });
  });

  it('captures content as the code says, else as the env var says', () => {
    process.env[ENV_CAPTURE_MESSAGE_CONTENT] = 'true';
    assert.equal(telemetryFromConfig({}, providers).captureMessageContent, true);
    assert.equal(telemetryFromConfig({ captureMessageContent: false }, providers).captureMessageContent, false);
    delete process.env[ENV_CAPTURE_MESSAGE_CONTENT];
    assert.equal(telemetryFromConfig({}, providers).captureMessageContent, false);
  });

  it('records through the given tracer', () => {
    otel.exporter.reset();
    const call = telemetryFromConfig({}, providers).startCall({
      provider: 'openai',
      operation: 'chat',
      requestModel: 'm',
    });
    call.end({});
    assert.deepEqual(
      otel.exporter.getFinishedSpans().map((s) => [s.name, s.instrumentationScope.name]),
      [['chat m', 'test']],
    );
  });
});

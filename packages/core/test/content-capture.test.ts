import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { GenAiTelemetry, PricingTable, serializeContent } from '@llmtel/core';
import { createTestOtel } from '@llmtel/test-utils';

const otel = createTestOtel();
after(() => otel.shutdown());
beforeEach(() => otel.exporter.reset());

function telemetryWith(options: Partial<ConstructorParameters<typeof GenAiTelemetry>[0]>) {
  return new GenAiTelemetry({
    tracer: () => otel.tracerProvider.getTracer('test'),
    meter: () => otel.meterProvider.getMeter('test'),
    pricing: new PricingTable([]),
    ...options,
  });
}

const request = {
  provider: 'openai',
  operation: 'chat',
  requestModel: 'gpt-test',
  inputMessages: () => [{ role: 'user', parts: [{ type: 'text', content: 'my email is a@b.example' }] }],
  systemInstructions: () => [{ type: 'text', content: 'be brief' }],
};

describe('content capture', () => {
  it('is off by default: lazy content getters are never called', () => {
    let called = false;
    const call = telemetryWith({}).startCall({
      ...request,
      inputMessages: () => {
        called = true;
        return [];
      },
    });
    call.end({ outputMessages: () => ((called = true), []) });
    assert.equal(called, false);
    const [span] = otel.exporter.getFinishedSpans();
    assert.equal(span?.attributes['gen_ai.input.messages'], undefined);
    assert.equal(span?.attributes['gen_ai.output.messages'], undefined);
    assert.equal(span?.attributes['gen_ai.system_instructions'], undefined);
  });

  it('writes the conventions JSON when enabled, through the redactor', () => {
    const call = telemetryWith({
      captureMessageContent: true,
      contentRedactor: (text) => text.replace(/\S+@\S+/g, '<email>'),
    }).startCall(request);
    call.end({
      outputMessages: () => [{ role: 'assistant', parts: [{ type: 'text', content: 'ok' }], finish_reason: 'stop' }],
    });
    const [span] = otel.exporter.getFinishedSpans();
    assert.deepEqual(JSON.parse(span?.attributes['gen_ai.input.messages'] as string), [
      { role: 'user', parts: [{ type: 'text', content: 'my email is <email>' }] },
    ]);
    assert.deepEqual(JSON.parse(span?.attributes['gen_ai.system_instructions'] as string), [
      { type: 'text', content: 'be brief' },
    ]);
    assert.deepEqual(JSON.parse(span?.attributes['gen_ai.output.messages'] as string), [
      { role: 'assistant', parts: [{ type: 'text', content: 'ok' }], finish_reason: 'stop' },
    ]);
  });

  it('keeps capped content valid JSON within the limit', () => {
    const long = 'x'.repeat(10_000);
    const json = serializeContent([{ role: 'user', parts: [{ type: 'text', content: long }] }], 'input', {
      maxLength: 500,
    });
    assert.ok(json !== undefined);
    assert.ok(json.length <= 500, `length ${json.length}`);
    const parsed = JSON.parse(json) as [{ parts: [{ content: string }] }];
    assert.match(parsed[0].parts[0].content, /^x+…\[truncated\]$/);
  });

  it('runs the redactor over tool-call arguments and tool results too', () => {
    const json = serializeContent(
      [
        {
          role: 'assistant',
          parts: [{ type: 'tool_call', id: 'c1', name: 'lookup', arguments: { email: 'a@b.example' } }],
        },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: 'owner: a@b.example' }] },
      ],
      'input',
      { maxLength: 10_000, redactor: (text) => text.replace(/\S+@[\w.]+/g, '<email>') },
    );
    assert.ok(json !== undefined);
    assert.ok(!json.includes('a@b.example'), json);
    assert.match(json, /<email>/);
  });

  it('drops text the redactor removes', () => {
    const json = serializeContent([{ type: 'text', content: 'secret' }], 'system', {
      maxLength: 1000,
      redactor: () => undefined,
    });
    assert.equal(json, '[{"type":"text","content":""}]');
  });
});

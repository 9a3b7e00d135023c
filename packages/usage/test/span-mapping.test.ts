import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { usageRecordFromSpan, type UsageSpan } from '@llmtel/usage';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

function span(attributes: Record<string, unknown>, extra: Partial<UsageSpan> = {}): UsageSpan {
  return {
    traceId: TRACE,
    spanId: SPAN,
    attributes,
    startTimeMs: 1_700_000_000_000,
    endTimeMs: 1_700_000_001_500,
    ...extra,
  };
}

const billable = {
  'llmtel.usage.billable': true,
  'gen_ai.provider.name': 'anthropic',
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'claude-sonnet-4-5',
  'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
  'gen_ai.usage.input_tokens': 1200,
  'gen_ai.usage.output_tokens': 350,
  'gen_ai.usage.cache_read.input_tokens': 1000,
  'gen_ai.usage.cache_creation.input_tokens': 100,
  'gen_ai.usage.reasoning.output_tokens': 50,
  'llmtel.usage.cost_usd': 0.0123456789,
  'llmtel.usage.estimated': false,
  'user.id': 'alice',
  'llmtel.tenant.id': 'acme',
  'gen_ai.agent.name': 'researcher',
};

describe('usageRecordFromSpan', () => {
  it('maps every usage and attribution attribute of a billable span', () => {
    assert.deepEqual(usageRecordFromSpan(span(billable)), {
      id: `${TRACE}-${SPAN}`,
      userId: 'alice',
      tenantId: 'acme',
      provider: 'anthropic',
      requestModel: 'claude-sonnet-4-5',
      responseModel: 'claude-sonnet-4-5-20250929',
      agentName: 'researcher',
      operation: 'chat',
      timestamp: 1_700_000_001_500,
      inputTokens: 1200,
      outputTokens: 350,
      cacheReadTokens: 1000,
      cacheWriteTokens: 100,
      reasoningTokens: 50,
      estimated: false,
      costMicros: 12346,
      error: undefined,
    });
  });

  it('reads OTLP JSON values and protobuf byte ids', () => {
    const r = usageRecordFromSpan(
      span(
        {
          ...billable,
          'gen_ai.usage.input_tokens': '1200',
          'llmtel.usage.billable': 'true',
          'llmtel.usage.estimated': true,
        },
        { traceId: Buffer.from(TRACE, 'hex'), spanId: new Uint8Array(Buffer.from(SPAN, 'hex')) },
      ),
    );
    assert.equal(r?.id, `${TRACE}-${SPAN}`);
    assert.equal(r?.inputTokens, 1200);
    assert.equal(r?.estimated, true);
  });

  it('leaves cost unknown when the price is unknown, never a made-up 0', () => {
    const { 'llmtel.usage.cost_usd': _cost, ...attrs } = billable;
    assert.equal(usageRecordFromSpan(span(attrs))?.costMicros, undefined);
  });

  it('maps failures from error.type, else from the span status', () => {
    assert.equal(
      usageRecordFromSpan(span({ ...billable, 'error.type': 'rate_limit_exceeded' }))?.error,
      'rate_limit_exceeded',
    );
    assert.equal(usageRecordFromSpan(span(billable, { statusCode: 2 }))?.error, '_OTHER');
    assert.equal(usageRecordFromSpan(span(billable, { statusCode: 'STATUS_CODE_ERROR' }))?.error, '_OTHER');
    assert.equal(usageRecordFromSpan(span(billable, { statusCode: 1 }))?.error, undefined);
  });

  it('counts other SDKs’ GenAI spans only when configured to, and never wrappers marked non-billable', () => {
    const foreign = { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 5 };
    assert.equal(usageRecordFromSpan(span(foreign)), undefined);
    const counted = usageRecordFromSpan(span(foreign), { countNonBillable: true });
    assert.equal(counted?.provider, 'openai');
    assert.equal(counted?.inputTokens, 5);
    assert.equal(counted?.userId, undefined);
    assert.equal(
      usageRecordFromSpan(span({ ...billable, 'llmtel.usage.billable': false }), { countNonBillable: true }),
      undefined,
    );
    assert.equal(usageRecordFromSpan(span({ 'gen_ai.request.model': 'x' }), { countNonBillable: true }), undefined);
  });

  it('clamps nonsense token values to 0 and uses the start time without an end time', () => {
    const r = usageRecordFromSpan(
      span(
        { ...billable, 'gen_ai.usage.output_tokens': -3, 'gen_ai.usage.input_tokens': 'many' },
        { endTimeMs: undefined },
      ),
    );
    assert.equal(r?.outputTokens, 0);
    assert.equal(r?.inputTokens, 0);
    assert.equal(r?.timestamp, 1_700_000_000_000);
  });
});

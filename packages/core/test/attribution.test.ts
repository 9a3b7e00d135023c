import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context, propagation } from '@opentelemetry/api';
import { getLlmAttribution, withLlmContext } from '@llmtel/core';
import { ensureContextManager } from '@llmtel/test-utils';

ensureContextManager();

describe('attribution', () => {
  it('is empty outside any context', () => {
    assert.deepEqual(getLlmAttribution(), {});
  });

  it('nests: inner fields override, others are kept, across awaits', async () => {
    await withLlmContext({ userId: 'u1', tenantId: 't1', attributes: { a: 1 } }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      await withLlmContext({ agentName: 'planner', attributes: { b: 2 } }, async () => {
        await Promise.resolve();
        assert.deepEqual(getLlmAttribution(), {
          userId: 'u1',
          tenantId: 't1',
          agentName: 'planner',
          attributes: { a: 1, b: 2 },
        });
      });
      assert.equal(getLlmAttribution().agentName, undefined);
    });
  });

  it('reads user.id and session.id from W3C baggage, explicit values first', () => {
    const baggage = propagation.createBaggage({ 'user.id': { value: 'from-gateway' }, 'session.id': { value: 's9' } });
    const ctx = propagation.setBaggage(context.active(), baggage);
    context.with(ctx, () => {
      assert.deepEqual(getLlmAttribution(), { userId: 'from-gateway', sessionId: 's9' });
      withLlmContext({ userId: 'explicit' }, () => {
        assert.deepEqual(getLlmAttribution(), { userId: 'explicit', sessionId: 's9' });
      });
    });
  });
});

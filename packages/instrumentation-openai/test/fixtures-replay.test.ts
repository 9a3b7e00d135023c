import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { loadFixtures } from '@llmtel/test-utils';
import { expectedOf } from './fixture-expectations.ts';
import {
  expectedUsageAttributes,
  only,
  pointsWhere,
  replay,
  setup,
  usageAttributesOf,
  type Harness,
} from './helpers.ts';

// Every recorded OpenAI exchange, replayed byte-exact by a loopback server through the real SDK.
const fixtures = loadFixtures('openai');

describe('every recorded OpenAI exchange', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(async () => {
    await h.close();
  });

  test('there are recorded exchanges to replay', () => {
    assert.ok(fixtures.length >= 29, `only ${fixtures.length} fixtures`);
  });

  for (const fixture of fixtures) {
    test(fixture.name, async () => {
      await h.reset();
      const expected = expectedOf(fixture);
      h.fake.enqueue(fixture);
      const view = await replay(h.client(), fixture);
      const span = only(await h.settle(1));

      assert.equal(span.name, expected.spanName);
      assert.equal(span.kind, SpanKind.CLIENT);
      assert.equal(span.attributes['gen_ai.provider.name'], 'openai');
      assert.equal(span.attributes['gen_ai.request.model'], expected.requestModel);
      assert.equal(span.attributes['server.address'], '127.0.0.1');
      assert.equal(span.attributes['server.port'], h.fake.port);
      assert.equal(span.attributes['llmtel.usage.billable'], true);
      for (const key of Object.keys(span.attributes)) {
        assert.ok(!key.startsWith('gen_ai.input') && !key.startsWith('gen_ai.output.messages'), `${key} captured`);
      }

      if (expected.errorType !== undefined) {
        assert.equal(view.kind, 'error');
        assert.equal(span.status.code, SpanStatusCode.ERROR);
        assert.equal(span.attributes['error.type'], expected.errorType);
        assert.deepEqual(usageAttributesOf(span), {});
        const durations = pointsWhere((await h.metrics()).get('gen_ai.client.operation.duration'), {
          'gen_ai.request.model': expected.requestModel,
          'error.type': expected.errorType,
        });
        assert.ok(durations.length > 0, 'duration recorded with error.type');
        return;
      }

      assert.notEqual(view.kind, 'error', view.json);
      assert.equal(span.status.code, SpanStatusCode.UNSET);
      assert.equal(span.attributes['error.type'], undefined);
      assert.equal(span.attributes['gen_ai.response.model'], expected.responseModel);
      assert.equal(span.attributes['gen_ai.response.id'], expected.responseId);
      assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], expected.finishReasons);

      if (fixture.usage !== null) {
        assert.deepEqual(usageAttributesOf(span), expectedUsageAttributes(fixture.usage));
        assert.equal(span.attributes['llmtel.usage.estimated'], false);
      } else {
        // A stream recorded without include_usage reports no usage: the counts are estimated, and say so.
        assert.equal(span.attributes['llmtel.usage.estimated'], true);
        assert.ok((span.attributes['gen_ai.usage.input_tokens'] as number) > 0);
        assert.ok((span.attributes['gen_ai.usage.output_tokens'] as number) > 0);
      }

      const tokens = pointsWhere((await h.metrics()).get('gen_ai.client.token.usage'), {
        'gen_ai.response.model': expected.responseModel,
        'gen_ai.token.type': 'input',
      });
      assert.ok(tokens.length > 0, 'input token usage recorded');
      if (fixture.stream) {
        const ttfc = pointsWhere((await h.metrics()).get('gen_ai.client.operation.time_to_first_chunk'), {
          'gen_ai.request.model': expected.requestModel,
        });
        assert.ok(ttfc.length > 0, 'time to first chunk recorded');
      }
    });
  }
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture, loadFixtures, type Fixture } from '@llmtel/test-utils';
import { checkSpan } from './check-span.ts';
import { RECORDED } from './expectations.ts';
import {
  expectedUsageAttributes,
  modelIdOf,
  only,
  pointsWhere,
  replay,
  retryPair,
  setup,
  type Harness,
} from './helpers.ts';

// Every recorded Bedrock exchange, replayed byte-exact (event streams one message at a time) through the real
// SDK client with its default transport. `-1-error-403` + `-2` recordings are one call: the SDK's clock-skew retry.
const names = loadFixtures('aws.bedrock').map((f) => f.name!);
const pairs = names.filter((n) => n.endsWith('-1-error-403')).map((n) => n.slice(0, -'-1-error-403'.length));
const singles = names.filter((n) => !/-1-error-403$|-2$/.test(n));

describe('every recorded Bedrock exchange', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(async () => {
    await h.close();
  });

  test('every recording is a single exchange or part of an error-and-retry pair, with expectations', () => {
    assert.ok(names.length >= 16, `only ${names.length} fixtures`);
    for (const name of names) {
      const base = name.replace(/-1-error-403$|-2$/, '');
      assert.ok(pairs.includes(base) || singles.includes(name), `${name} is neither a single nor part of a pair`);
      assert.ok(RECORDED[base] !== undefined, `no expectations for ${base}`);
    }
    assert.equal(pairs.length + singles.length, Object.keys(RECORDED).length);
  });

  const scenarios: { name: string; fixtures: Fixture[] }[] = [
    ...singles.map((name) => ({ name, fixtures: [loadFixture('aws.bedrock', name)] })),
    ...pairs.map((name) => ({ name, fixtures: retryPair(name) })),
  ];

  const inputSums = new Map<string, number>();
  for (const { name, fixtures } of scenarios) {
    test(name, async () => {
      await h.reset();
      const expected = RECORDED[name]!;
      const final = fixtures[fixtures.length - 1]!;
      const modelId = modelIdOf(final);
      const sent = h.fake.requests.length;
      h.fake.enqueue(...fixtures);
      const appView = await replay(h.client(), h.sdk, final);
      assert.notEqual(appView.kind, 'error', appView.json);
      assert.equal(h.fake.pendingCount(), 0);
      assert.equal(h.fake.requests.length - sent, fixtures.length, 'one HTTP request per recorded exchange');

      const span = only(await h.settle(1));
      checkSpan(h, span, final, expected);
      const usage = expectedUsageAttributes(final.usage);

      if (fixtures.length === 2) {
        // The SDK's own retry after correcting its clock: one span, its status the retry's, the retry visible.
        const [failedAttempt] = fixtures;
        assert.equal(span.attributes['http.request.resend_count'], 1);
        assert.deepEqual(
          span.events.map((e) => [e.name, e.attributes]),
          [
            [
              'llmtel.retry',
              {
                'llmtel.retry.attempt': 1,
                'error.type': 'InvalidSignatureException',
                'http.response.status_code': 403,
                'aws.request_id': failedAttempt!.response.headers['x-amzn-requestid'],
              },
            ],
          ],
        );
      } else {
        assert.equal(span.attributes['http.request.resend_count'], undefined);
        assert.deepEqual(span.events, []);
      }

      // Metrics are cumulative over the file, and several recordings share a model and operation.
      const series = `${modelId} ${expected.operation}`;
      const inputSum = (inputSums.get(series) ?? 0) + usage['gen_ai.usage.input_tokens']!;
      inputSums.set(series, inputSum);
      const metrics = await h.metrics();
      const tokens = pointsWhere(metrics.get('gen_ai.client.token.usage'), {
        'gen_ai.request.model': modelId,
        'gen_ai.operation.name': expected.operation,
        'gen_ai.token.type': 'input',
      });
      assert.equal(tokens.length, 1);
      assert.equal(tokens[0]!.value.sum, inputSum);
      assert.equal(tokens[0]!.attributes['gen_ai.provider.name'], 'aws.bedrock');
      if (final.stream) {
        const firstChunk = pointsWhere(metrics.get('gen_ai.client.operation.time_to_first_chunk'), {
          'gen_ai.request.model': modelId,
          'gen_ai.operation.name': expected.operation,
        });
        assert.equal(firstChunk.length, 1, 'time to first chunk recorded for a stream');
      }
    });
  }
});

import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture, type Fixture } from '@llmtel/test-utils';
import { only, pointsWhere, setup, type Harness } from './helpers.ts';

describe('embeddings.create', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  test('an embeddings span with input tokens and no output tokens', async () => {
    const fixture = loadFixture('openai', 'embeddings-adds-genai-conventions');
    h.fake.enqueue(fixture);
    const result = await h.client().embeddings.create(fixture.request.body as never);
    assert.equal(result.data.length, 4);
    const span = only(await h.settle(1));
    assert.equal(span.name, 'embeddings text-embedding-3-small');
    assert.equal(span.attributes['gen_ai.operation.name'], 'embeddings');
    assert.equal(span.attributes['gen_ai.response.model'], 'text-embedding-3-small');
    assert.deepEqual(span.attributes['gen_ai.request.encoding_formats'], ['float']);
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 8);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], undefined);
    assert.equal(span.attributes['llmtel.usage.estimated'], false);

    const metrics = await h.metrics();
    const where = { 'gen_ai.request.model': 'text-embedding-3-small' };
    const tokens = pointsWhere(metrics.get('gen_ai.client.token.usage'), where);
    assert.deepEqual(
      tokens.map((p) => [p.attributes['gen_ai.token.type'], p.value.sum]),
      [['input', 8]],
    );
  });

  test('the default base64 encoding is still decoded for the app', async () => {
    const vector = new Float32Array([0.25, -0.5, 1]);
    const fixture: Fixture = {
      ...loadFixture('openai', 'embeddings-adds-genai-conventions'),
      response: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: {
          object: 'list',
          data: [{ object: 'embedding', index: 0, embedding: Buffer.from(vector.buffer).toString('base64') }],
          model: 'text-embedding-3-small',
          usage: { prompt_tokens: 2, total_tokens: 2 },
        },
      },
    };
    h.fake.enqueue(fixture);
    const result = await h.client().embeddings.create({ model: 'text-embedding-3-small', input: 'a b' });
    assert.deepEqual(Array.from(result.data[0]!.embedding), [0.25, -0.5, 1]);
    assert.equal((h.fake.requests.at(-1)!.body as { encoding_format: string }).encoding_format, 'base64');
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 2);
    assert.equal(span.attributes['gen_ai.request.encoding_formats'], undefined);
  });
});

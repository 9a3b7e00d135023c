import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { PricingTable } from '@llmtel/core';
import { cohereFixture, NO_RETRIES, setup, type Harness } from './helpers.ts';

describe('CohereClientV2.embed', () => {
  let h: Harness;
  before(async () => {
    h = await setup({
      pricing: new PricingTable([
        {
          provider: 'cohere',
          model: 'embed-v4.0',
          kind: 'embeddings',
          input: 0.12,
          output: 0,
          effectiveFrom: '2025-04-15',
        },
      ]),
    });
  });
  after(() => h.close());

  it('one embeddings span with the billed input tokens and the embedding price', async () => {
    const fixture = cohereFixture('embed');
    h.fake.enqueue(fixture);
    const result = await h.client().embed(
      {
        model: 'embed-v4.0',
        texts: ['hello', 'goodbye cruel world'],
        inputType: 'search_document',
        embeddingTypes: ['float'],
      },
      NO_RETRIES,
    );
    assert.equal(result.embeddings.float!.length, 2);

    const span = await h.theSpan();
    assert.equal(span.name, 'embeddings embed-v4.0');
    assert.equal(span.kind, SpanKind.CLIENT);
    const a = span.attributes;
    assert.equal(a['gen_ai.operation.name'], 'embeddings');
    assert.equal(a['gen_ai.provider.name'], 'cohere');
    assert.equal(a['gen_ai.response.id'], 'da6e531f-54c6-4a73-bf92-f60566d8d753');
    assert.deepEqual(a['gen_ai.request.encoding_formats'], ['float']);
    assert.equal(a['gen_ai.usage.input_tokens'], fixture.usage!.input_tokens);
    assert.equal(a['gen_ai.usage.output_tokens'], undefined);
    assert.equal(a['llmtel.usage.cost_usd'], (9 * 0.12) / 1e6);
  });
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { PricingTable } from '@llmtel/core';
import { mistralFixture, setup, type Harness } from './helpers.ts';

describe('embeddings.create', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(() => h.close());
  beforeEach(() => h.reset());

  it('one embeddings span with the input tokens and the embedding price', async () => {
    const fixture = mistralFixture('embeddings');
    h.fake.enqueue(fixture);
    const result = await h.client().embeddings.create({
      model: 'mistral-embed',
      inputs: ['Embed this sentence.', 'As well as this one.'],
      encodingFormat: 'float',
    });
    assert.equal(result.data.length, 2);

    const span = await h.theSpan();
    assert.equal(span.name, 'embeddings mistral-embed');
    assert.equal(span.kind, SpanKind.CLIENT);
    const a = span.attributes;
    assert.equal(a['gen_ai.operation.name'], 'embeddings');
    assert.equal(a['gen_ai.provider.name'], 'mistral_ai');
    assert.equal(a['gen_ai.response.model'], 'mistral-embed');
    assert.equal(a['gen_ai.response.id'], 'embd-aad6fc62b17349b192ef09225058bc45');
    assert.deepEqual(a['gen_ai.request.encoding_formats'], ['float']);
    assert.equal(a['gen_ai.usage.input_tokens'], fixture.usage!.input_tokens);
    // Embeddings produce no output tokens; the SDK's default of 0 for a missing count is not reported.
    assert.equal(a['gen_ai.usage.output_tokens'], undefined);
    const expected = PricingTable.defaults().cost('mistral_ai', 'mistral-embed', { inputTokens: 11 });
    assert.ok(expected !== undefined && expected > 0);
    assert.equal(a['llmtel.usage.cost_usd'], expected);
  });
});

describe('fim.complete', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(() => h.close());

  it('one text_completion span with the fixture usage and a cost', async () => {
    const fixture = mistralFixture('fim-completion');
    h.fake.enqueue(fixture);
    const result = await h.client().fim.complete({
      model: 'codestral-latest',
      prompt: 'def fibonacci(n: int):',
      suffix: 'print(fibonacci(10))',
      temperature: 0,
      maxTokens: 64,
    });
    assert.equal(result.choices[0]!.finishReason, 'stop');
    const span = await h.theSpan();
    const a = span.attributes;
    assert.equal(span.name, 'text_completion codestral-latest');
    assert.equal(a['gen_ai.request.temperature'], 0);
    assert.equal(a['gen_ai.request.max_tokens'], 64);
    assert.equal(a['gen_ai.usage.input_tokens'], fixture.usage!.input_tokens);
    assert.equal(a['gen_ai.usage.output_tokens'], fixture.usage!.output_tokens);
    assert.deepEqual(a['gen_ai.response.finish_reasons'], ['stop']);
    assert.equal(
      a['llmtel.usage.cost_usd'],
      PricingTable.defaults().cost('mistral_ai', 'codestral-latest', { inputTokens: 17, outputTokens: 12 }),
    );
    assert.equal(typeof a['llmtel.usage.cost_usd'], 'number');
  });
});

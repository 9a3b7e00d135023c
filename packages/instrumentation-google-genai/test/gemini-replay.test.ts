import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import {
  collect,
  expectedUsageAttributes,
  loadLocalFixture,
  pointsWhere,
  requestOf,
  setup,
  type Harness,
  type SdkMajor,
} from './helpers.ts';

for (const major of [3, 1] as SdkMajor[]) {
  /** SDK v1 does not copy `responseId` from Gemini API answers into its response objects. */
  const responseId = (id: string) => (major === 1 ? undefined : id);

  describe(`Gemini API exchanges (built from the API reference) through @google/genai v${major}`, () => {
    let h: Harness;
    before(async () => {
      h = await setup({}, major);
    });
    after(() => h.close());

    test('generateContent: provider gcp.gemini, usage, finish reason, models, id', async () => {
      h.reset();
      const fixture = loadLocalFixture('gcp.gemini', 'generate-content');
      h.fake.enqueue(fixture);
      const sentBefore = h.fake.requests.length;
      const result = await h.gemini().models.generateContent({
        // The resource-name spelling of the model: the span names the model id.
        model: 'models/gemini-2.0-flash',
        ...requestOf(fixture),
        config: {
          temperature: 0.2,
          topP: 0.9,
          topK: 20,
          maxOutputTokens: 64,
          stopSequences: ['\n\n'],
          seed: 7,
          candidateCount: 1,
          responseMimeType: 'text/plain',
        },
      });
      assert.equal(result.text, 'South Atlantic Ocean.\n');
      const [span] = await h.waitForSpans(1);
      assert.equal(span?.name, 'generate_content gemini-2.0-flash');
      const attrs = span.attributes;
      assert.equal(attrs['gen_ai.provider.name'], 'gcp.gemini');
      assert.equal(attrs['gen_ai.operation.name'], 'generate_content');
      assert.equal(attrs['gen_ai.response.model'], 'gemini-2.0-flash');
      assert.equal(attrs['gen_ai.response.id'], responseId('gQx1aPnKLs2g1dkP0tXP4Ac'));
      assert.deepEqual(attrs['gen_ai.response.finish_reasons'], ['stop']);
      assert.equal(attrs['gen_ai.request.temperature'], 0.2);
      assert.equal(attrs['gen_ai.request.top_p'], 0.9);
      assert.equal(attrs['gen_ai.request.top_k'], 20);
      assert.equal(attrs['gen_ai.request.max_tokens'], 64);
      assert.deepEqual(attrs['gen_ai.request.stop_sequences'], ['\n\n']);
      assert.equal(attrs['gen_ai.request.seed'], 7);
      assert.equal(attrs['gen_ai.request.model'], 'gemini-2.0-flash');
      assert.equal(attrs['gen_ai.request.choice.count'], undefined, 'the default of 1 is not recorded');
      assert.equal(attrs['gen_ai.output.type'], 'text');
      for (const [key, value] of Object.entries(expectedUsageAttributes(fixture.usage))) {
        assert.equal(attrs[key], value, key);
      }
      // gemini-2.0-flash: $0.10 / 1M input, $0.40 / 1M output.
      assert.ok(Math.abs((attrs['llmtel.usage.cost_usd'] as number) - (9 * 0.1 + 5 * 0.4) / 1e6) < 1e-12);
      assert.equal(h.fake.requests[sentBefore]!.path, fixture.request.path);
    });

    test('streamGenerateContent (SSE): usage from the last chunk with counts, one span, chunk metrics', async () => {
      h.reset();
      const fixture = loadLocalFixture('gcp.gemini', 'stream-generate-content');
      h.fake.enqueue(fixture);
      const sentBefore = h.fake.requests.length;
      const stream = await h
        .gemini()
        .models.generateContentStream({ model: 'gemini-2.0-flash', ...requestOf(fixture) });
      const chunks = await collect(stream);
      assert.equal(chunks.map((c) => c.text).join(''), 'South Atlantic Ocean.\n');
      const spans = await h.waitForSpans(1);
      assert.equal(spans.length, 1);
      const attrs = spans[0]!.attributes;
      assert.equal(attrs['gen_ai.provider.name'], 'gcp.gemini');
      assert.equal(attrs['gen_ai.response.id'], responseId('hAx1aKjBDu2g1dkPqbaN6Qk'));
      assert.deepEqual(attrs['gen_ai.response.finish_reasons'], ['stop']);
      for (const [key, value] of Object.entries(expectedUsageAttributes(fixture.usage))) {
        assert.equal(attrs[key], value, key);
      }
      const sent = h.fake.requests[sentBefore]!;
      assert.equal(sent.query, 'alt=sse');
      assert.deepEqual(sent.body, fixture.request.body);
      const metrics = await h.metrics();
      const model = { 'gen_ai.request.model': 'gemini-2.0-flash', 'gen_ai.provider.name': 'gcp.gemini' };
      const perChunk = pointsWhere<Histogram>(metrics.get('gen_ai.client.operation.time_per_output_chunk'), model);
      assert.equal(
        perChunk.reduce((n, p) => n + p.value.count, 0),
        1,
      );
    });

    test('thoughts are reasoning tokens inside the output; cached content tokens are cache reads inside the input', async () => {
      h.reset();
      const fixture = loadLocalFixture('gcp.gemini', 'thinking-cached-content');
      h.fake.enqueue(fixture);
      const sentBefore = h.fake.requests.length;
      await h.gemini().models.generateContent({
        model: 'gemini-2.5-flash',
        ...requestOf(fixture),
        config: {
          cachedContent: 'cachedContents/k3x7m2q9c1',
          thinkingConfig: { thinkingBudget: 1024 },
          maxOutputTokens: 2048,
        },
      });
      const [span] = await h.waitForSpans(1);
      const attrs = span!.attributes;
      assert.equal(attrs['gen_ai.usage.input_tokens'], 2113);
      assert.equal(attrs['gen_ai.usage.cache_read.input_tokens'], 2048);
      assert.equal(attrs['gen_ai.usage.output_tokens'], 41 + 312);
      assert.equal(attrs['gen_ai.usage.reasoning.output_tokens'], 312);
      assert.deepEqual(attrs['gen_ai.response.finish_reasons'], ['max_tokens']);
      assert.equal(attrs['gen_ai.request.max_tokens'], 2048);
      // gemini-2.5-flash: $0.30 input, $0.03 cache reads, $2.50 output (thinking included), per 1M tokens.
      const expected = ((2113 - 2048) * 0.3 + 2048 * 0.03 + (41 + 312) * 2.5) / 1e6;
      assert.ok(Math.abs((attrs['llmtel.usage.cost_usd'] as number) - expected) < 1e-12);
      assert.deepEqual(h.fake.requests[sentBefore]!.body, fixture.request.body);
    });

    test('embedContent (batchEmbedContents reports no usage): an embeddings span with estimated input tokens', async () => {
      h.reset();
      const fixture = loadLocalFixture('gcp.gemini', 'batch-embed-contents');
      h.fake.enqueue(fixture);
      const sentBefore = h.fake.requests.length;
      const result = await h.gemini().models.embedContent({
        model: 'gemini-embedding-001',
        contents: ['What is the meaning of life?', 'How does the brain work?'],
        config: { outputDimensionality: 4 },
      });
      assert.equal(result.embeddings?.length, 2);
      const [span] = await h.waitForSpans(1);
      const attrs = span!.attributes;
      assert.equal(span!.name, 'embeddings gemini-embedding-001');
      assert.equal(attrs['gen_ai.operation.name'], 'embeddings');
      assert.equal(attrs['gen_ai.provider.name'], 'gcp.gemini');
      assert.equal(attrs['llmtel.usage.estimated'], true);
      const input = attrs['gen_ai.usage.input_tokens'] as number;
      assert.ok(input >= 10 && input <= 20, `estimated input tokens ${input}`);
      assert.deepEqual(h.fake.requests[sentBefore]!.body, fixture.request.body);
    });
  });
}

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { loadFixtures, type Fixture } from '@llmtel/test-utils';
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

/** gemini-2.5-flash list prices in USD per 1M tokens (input, output; thinking is billed as output). */
const FLASH_25 = { input: 0.3, output: 2.5 };

const recordings = loadFixtures('gcp.vertex_ai');

for (const major of [3, 1] as SdkMajor[]) {
  describe(`Vertex AI recordings replayed through @google/genai v${major}`, () => {
    let h: Harness;
    before(async () => {
      h = await setup({}, major);
    });
    after(() => h.close());

    test('there are recordings of both plain and streamed calls', () => {
      assert.ok(recordings.some((f) => f.stream));
      assert.ok(recordings.some((f) => !f.stream));
    });

    for (const fixture of recordings) {
      test(`${fixture.name}: one span with the recorded usage, finish reasons and models`, async () => {
        h.reset();
        h.fake.enqueue(fixture);
        const sentBefore = h.fake.requests.length;
        const text = await call(h, fixture);
        const [span, ...others] = await h.waitForSpans(1);
        assert.equal(others.length, 0);
        assert.ok(span);

        const body = (fixture.response.body ?? lastSseChunk(fixture)) as Record<string, unknown>;
        assert.equal(span.name, 'generate_content gemini-2.5-flash');
        assert.equal(span.kind, SpanKind.CLIENT);
        const attrs = span.attributes;
        assert.equal(attrs['gen_ai.provider.name'], 'gcp.vertex_ai');
        assert.equal(attrs['gen_ai.operation.name'], 'generate_content');
        assert.equal(attrs['gen_ai.request.model'], 'gemini-2.5-flash');
        assert.equal(attrs['gen_ai.response.model'], body.modelVersion);
        assert.equal(attrs['gen_ai.response.id'], body.responseId);
        assert.deepEqual(attrs['gen_ai.response.finish_reasons'], ['stop']);
        assert.equal(attrs['server.address'], '127.0.0.1');
        assert.equal(attrs['server.port'], h.fake.port);
        for (const [key, value] of Object.entries(expectedUsageAttributes(fixture.usage))) {
          assert.equal(attrs[key], value, key);
        }
        assert.equal(attrs['llmtel.usage.estimated'], false);
        assert.equal(attrs['llmtel.usage.billable'], true);
        const usage = fixture.usage!;
        const expectedCost =
          (usage.input_tokens! * FLASH_25.input + (usage.output_tokens! + usage.reasoning_tokens!) * FLASH_25.output) /
          1e6;
        assert.ok(Math.abs((attrs['llmtel.usage.cost_usd'] as number) - expectedCost) < 1e-12);
        assert.equal(attrs['gen_ai.input.messages'], undefined, 'content capture is off by default');
        assert.equal(attrs['gen_ai.output.messages'], undefined, 'content capture is off by default');

        // The app still got the whole answer, and the SDK sent what the recording sent.
        assert.ok(text.length > 0);
        const sent = h.fake.requests[sentBefore]!;
        assert.deepEqual(sent.body, fixture.request.body);
        assert.equal(sent.query, fixture.request.query ?? '');
      });
    }

    test('token usage and duration metrics carry the provider, operation and models', async () => {
      const metrics = await h.metrics();
      const base = { 'gen_ai.provider.name': 'gcp.vertex_ai', 'gen_ai.request.model': 'gemini-2.5-flash' };
      const input = pointsWhere<Histogram>(metrics.get('gen_ai.client.token.usage'), {
        ...base,
        'gen_ai.token.type': 'input',
      });
      const output = pointsWhere<Histogram>(metrics.get('gen_ai.client.token.usage'), {
        ...base,
        'gen_ai.token.type': 'output',
      });
      const inputSum = recordings.reduce((s, f) => s + f.usage!.input_tokens!, 0);
      const outputSum = recordings.reduce((s, f) => s + f.usage!.output_tokens! + f.usage!.reasoning_tokens!, 0);
      assert.equal(sum(input), inputSum);
      assert.equal(sum(output), outputSum);
      const duration = pointsWhere<Histogram>(metrics.get('gen_ai.client.operation.duration'), base);
      assert.equal(
        duration.reduce((n, p) => n + p.value.count, 0),
        recordings.length,
      );
      const firstChunk = pointsWhere<Histogram>(metrics.get('gen_ai.client.operation.time_to_first_chunk'), base);
      assert.equal(
        firstChunk.reduce((n, p) => n + p.value.count, 0),
        recordings.filter((f) => f.stream).length,
      );
    });

    test('embedContent on Vertex AI: one embeddings span with the per-instance token counts summed', async () => {
      h.reset();
      const fixture = loadLocalFixture('gcp.vertex_ai', 'predict-text-embedding');
      h.fake.enqueue(fixture);
      const sentBefore = h.fake.requests.length;
      const result = await h.vertex().models.embedContent({
        model: 'text-embedding-004',
        contents: ['What is the meaning of life?', 'How does the brain work?'],
        config: { outputDimensionality: 4 },
      });
      assert.equal(result.embeddings?.length, 2);
      const [span] = await h.waitForSpans(1);
      assert.equal(span?.name, 'embeddings text-embedding-004');
      assert.equal(span.attributes['gen_ai.operation.name'], 'embeddings');
      assert.equal(span.attributes['gen_ai.provider.name'], 'gcp.vertex_ai');
      assert.equal(span.attributes['gen_ai.embeddings.dimension.count'], 4);
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], fixture.usage!.input_tokens);
      assert.equal(span.attributes['gen_ai.usage.output_tokens'], undefined);
      assert.equal(span.attributes['llmtel.usage.estimated'], false);
      assert.ok((span.attributes['llmtel.usage.cost_usd'] as number) > 0);
      assert.deepEqual(h.fake.requests[sentBefore]!.body, fixture.request.body);
    });
  });
}

async function call(h: Harness, fixture: Fixture): Promise<string> {
  const client = h.vertex();
  const params = { model: 'gemini-2.5-flash', ...requestOf(fixture) } as Parameters<
    typeof client.models.generateContent
  >[0];
  if (!fixture.stream) return (await client.models.generateContent(params)).text ?? '';
  const chunks = await collect(await client.models.generateContentStream(params));
  return chunks.map((c) => c.text ?? '').join('');
}

function lastSseChunk(fixture: Fixture): unknown {
  const events = fixture.response.sse!.split(/\r?\n\r?\n/).filter((e) => e.startsWith('data:'));
  return JSON.parse(events[events.length - 1]!.slice('data:'.length));
}

function sum(points: { value: Histogram }[]): number {
  return points.reduce((s, p) => s + p.value.sum!, 0);
}

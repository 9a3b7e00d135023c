import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixtures, type Fixture } from '@llmtel/test-utils';
import { collect, loadLocalFixture, requestOf, setup, type Harness, type SdkMajor } from './helpers.ts';

interface Observed {
  /** What the app got: the response, or every streamed chunk, as JSON. */
  json: string;
  /** The classes of what the app got. */
  classes: string[];
  /** The request exactly as the provider received it. */
  rawBody: Buffer;
  headers: Record<string, unknown>;
}

const cases: { fixture: Fixture; backend: 'vertex' | 'gemini'; model: string }[] = [
  ...loadFixtures('gcp.vertex_ai').map((fixture) => ({
    fixture,
    backend: 'vertex' as const,
    model: 'gemini-2.5-flash',
  })),
  ...['generate-content', 'stream-generate-content'].map((name) => ({
    fixture: loadLocalFixture('gcp.gemini', name),
    backend: 'gemini' as const,
    model: 'gemini-2.0-flash',
  })),
];

for (const major of [3, 1] as SdkMajor[]) {
  describe(`the app receives exactly what it receives without instrumentation, @google/genai v${major}`, () => {
    let h: Harness;
    before(async () => {
      h = await setup({ captureMessageContent: true }, major);
    });
    after(() => h.close());

    async function run(c: (typeof cases)[number]): Promise<Observed> {
      h.fake.enqueue(c.fixture);
      const index = h.fake.requests.length;
      const client = c.backend === 'vertex' ? h.vertex() : h.gemini();
      const params = { model: c.model, ...requestOf(c.fixture) } as Parameters<typeof client.models.generateContent>[0];
      let got: unknown[];
      if (c.fixture.stream) got = await collect(await client.models.generateContentStream(params));
      else got = [await client.models.generateContent(params)];
      const received = h.fake.requests[index]!;
      return {
        json: JSON.stringify(got),
        classes: got.map((g) => (g as object).constructor.name),
        rawBody: received.rawBody,
        headers: { ...received.headers },
      };
    }

    for (const c of cases) {
      test(`${c.backend} ${c.fixture.name}`, async () => {
        h.reset();
        h.instrumentation.disable();
        const plain = await run(c);
        h.instrumentation.enable();
        assert.equal(h.spans().length, 0, 'the disabled instrumentation traced nothing');
        const instrumented = await run(c);
        assert.equal((await h.waitForSpans(1)).length, 1, 'the instrumented run was traced');
        assert.equal(instrumented.json, plain.json);
        assert.deepEqual(instrumented.classes, plain.classes);
        assert.ok(instrumented.rawBody.equals(plain.rawBody), 'request body bytes');
        assert.deepEqual(instrumented.headers, plain.headers);
      });
    }
  });
}

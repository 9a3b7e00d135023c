import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadFixture, runApp, startFakeProvider } from '@llmtel/test-utils';
import { loadLocalFixture } from './helpers.ts';

interface SpanJson {
  name: string;
  attributes: Record<string, unknown>;
}

const APPS = fileURLToPath(new URL('./apps/', import.meta.url));
const COMPAT = fileURLToPath(new URL('./compat/genai1/', import.meta.url));

/** The answers to test/apps/scenario.cjs, in the order it calls. */
function scenarioFixtures() {
  return [
    loadFixture('gcp.vertex_ai', 'non-streaming-excludecontent-sync'),
    loadFixture('gcp.vertex_ai', 'streaming-excludecontent-sync'),
    loadLocalFixture('gcp.gemini', 'chat-1'),
    loadLocalFixture('gcp.gemini', 'chat-2'),
    loadLocalFixture('gcp.gemini', 'batch-embed-contents'),
  ];
}

const CJS = ['--require', './telemetry.cjs'];
const ESM = ['--import', './telemetry.mjs'];

/** Each app prints the SDK file it loaded: the test checks it ran the build it means to test. */
const RUNS = [
  { title: 'CommonJS app, SDK v3', flags: CJS, app: `${APPS}app.cjs`, sdk: /genai\/dist\/node\/index\.cjs$/ },
  { title: 'ES module app, SDK v3', flags: ESM, app: `${APPS}app.mjs`, sdk: /genai\/dist\/node\/index\.mjs/ },
  {
    title: 'ES module app importing @google/genai/node, SDK v3',
    flags: ESM,
    app: `${APPS}app-node-subpath.mjs`,
    sdk: /genai\/dist\/node\/index\.mjs/,
  },
  { title: 'CommonJS app, SDK v1', flags: CJS, app: `${COMPAT}app.cjs`, sdk: /genai1\/.*\/dist\/node\/index\.cjs$/ },
  { title: 'ES module app, SDK v1', flags: ESM, app: `${COMPAT}app.mjs`, sdk: /genai1\/.*\/dist\/node\/index\.mjs/ },
];

describe('spawned apps', () => {
  for (const run of RUNS) {
    test(`${run.title}: one span per request, Vertex AI and Gemini API`, async () => {
      const fake = await startFakeProvider({ fixtures: scenarioFixtures() });
      try {
        const result = await runApp(run.flags, run.app, { cwd: APPS, env: { FAKE_URL: fake.url } });
        assert.equal(result.code, 0, `app failed\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
        assert.equal(fake.pendingCount(), 0);
        const loaded = result.stdout.split('\n').find((l) => l.startsWith('sdk '));
        assert.match(loaded ?? '', run.sdk);
        const line = result.stdout.split('\n').find((l) => l.startsWith('SPANS '));
        assert.ok(line, `no SPANS line\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
        const spans = JSON.parse(line.slice('SPANS '.length)) as SpanJson[];
        assert.deepEqual(
          spans.map((s) => `${s.attributes['gen_ai.provider.name'] as string} ${s.name}`),
          [
            'gcp.vertex_ai generate_content gemini-2.5-flash',
            'gcp.vertex_ai generate_content gemini-2.5-flash',
            'gcp.gemini generate_content gemini-2.0-flash',
            'gcp.gemini generate_content gemini-2.0-flash',
            'gcp.gemini embeddings gemini-embedding-001',
          ],
        );
        assert.equal(spans[0]!.attributes['gen_ai.usage.output_tokens'], 339 + 2292);
        assert.equal(spans[1]!.attributes['gen_ai.usage.output_tokens'], 354 + 1702);
        assert.equal(spans[3]!.attributes['gen_ai.usage.input_tokens'], 27);
      } finally {
        await fake.close();
      }
    });
  }
});

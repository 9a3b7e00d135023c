import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { loadFixture } from '@llmtel/test-utils';
import { checkSpan } from './check-span.ts';
import { decodeMessages, encodeMessage } from './eventstream.ts';
import { SYNTHETIC } from './expectations.ts';
import { only, replay, setup, syntheticFixture, type Harness } from './helpers.ts';

// The cases the recordings lack, built from the Bedrock API reference (test/fixtures, `source: "synthetic: ..."`):
// Converse and ConverseStream with cache tokens, a streamed tool call, Meta Llama plain and streamed, Claude with
// prompt caching behind an inference profile ARN, Titan and Cohere embeddings, the Mistral chat format.
const files = readdirSync(new URL('./fixtures/', import.meta.url))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length));

describe('synthetic Bedrock exchanges', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(async () => {
    await h.close();
  });

  test('the event-stream framing the synthetic streams are built with re-frames a recording byte for byte', () => {
    for (const name of ['converse-stream', 'invoke-model-with-response-stream-claude-2']) {
      const recorded = loadFixture('aws.bedrock', name).response.base64!;
      const messages = decodeMessages(Buffer.from(recorded, 'base64'));
      assert.ok(messages.length > 1);
      const reframed = Buffer.concat(messages.map((m) => encodeMessage(m.headers, m.payload)));
      assert.equal(reframed.toString('base64'), recorded);
    }
  });

  test('every synthetic fixture says so, and the successful ones all have expectations', () => {
    for (const name of files) {
      const fixture = syntheticFixture(name);
      assert.equal(fixture.source, 'synthetic: built from the Bedrock API reference', name);
      if (fixture.response.status === 200 && fixture.usage !== null)
        assert.ok(SYNTHETIC[name], `no expectations for ${name}`);
    }
    for (const name of Object.keys(SYNTHETIC)) assert.ok(files.includes(name), `${name}.json is missing`);
  });

  for (const [name, expected] of Object.entries(SYNTHETIC)) {
    test(name, async () => {
      await h.reset();
      const fixture = syntheticFixture(name);
      h.fake.enqueue(fixture);
      const appView = await replay(h.client(), h.sdk, fixture);
      assert.notEqual(appView.kind, 'error', appView.json);
      assert.equal(h.fake.pendingCount(), 0);
      const span = only(await h.settle(1));
      checkSpan(h, span, fixture, expected);
    });
  }

  test("Bedrock's own token counts win over the model's body", async () => {
    await h.reset();
    const fixture = syntheticFixture('invoke-model-meta-llama');
    // The body says 17 / 9; the headers are what Bedrock bills.
    fixture.response.headers['x-amzn-bedrock-input-token-count'] = '18';
    fixture.response.headers['x-amzn-bedrock-output-token-count'] = '11';
    h.fake.enqueue(fixture);
    await replay(h.client(), h.sdk, fixture);
    const span = only(await h.settle(1));
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 18);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 11);
  });
});

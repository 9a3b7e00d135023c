import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture, loadFixtures, type Fixture } from '@llmtel/test-utils';
import { readdirSync } from 'node:fs';
import { commandFor, replay, retryPair, setup, streamOf, syntheticFixture, type Harness } from './helpers.ts';

// The app gets exactly what it gets without instrumentation: the same output objects (bodies byte for byte), the
// same events in the same order, the same errors; and its command input is left as it was.
const recorded = loadFixtures('aws.bedrock')
  .map((f) => f.name!)
  .filter((n) => !/-2$/.test(n))
  .map((n) => ({
    name: n,
    fixtures: n.endsWith('-1-error-403')
      ? retryPair(n.slice(0, -'-1-error-403'.length))
      : [loadFixture('aws.bedrock', n)],
  }));
const synthetic = readdirSync(new URL('./fixtures/', import.meta.url))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .map((name) => {
    const fixture = syntheticFixture(name);
    // A throttled call is retried: answer both attempts (the client gets one attempt per fixture).
    return { name, fixtures: fixture.response.status === 429 ? [fixture, fixture] : [fixture] };
  });

describe('byte for byte', () => {
  let h: Harness;
  before(async () => {
    h = await setup({ captureMessageContent: true });
  });
  after(async () => {
    await h.close();
  });

  async function viewOf(fixtures: Fixture[], instrumented: boolean) {
    if (instrumented) h.instrumentation.enable();
    else h.instrumentation.disable();
    const started = h.counter.started;
    h.fake.enqueue(...fixtures);
    const final = fixtures[fixtures.length - 1]!;
    const appView = await replay(h.client({ maxAttempts: fixtures.length }), h.sdk, final);
    assert.equal(h.fake.pendingCount(), 0);
    assert.equal(h.counter.started - started, instrumented ? 1 : 0);
    return appView;
  }

  for (const { name, fixtures } of [...recorded, ...synthetic]) {
    test(name, async () => {
      const plain = await viewOf(fixtures, false);
      const observed = await viewOf(fixtures, true);
      assert.equal(observed.kind, plain.kind);
      assert.equal(observed.json, plain.json);
      await h.settle(1);
    });
  }

  test('the command input is not changed', async () => {
    h.instrumentation.enable();
    const fixture = syntheticFixture('invoke-model-with-response-stream-meta-llama');
    const command = commandFor(h.sdk, fixture);
    const input = (command as { input: unknown }).input;
    const before = structuredClone(input);
    h.fake.enqueue(fixture);
    const output: unknown = await h.client().send(command);
    for await (const _ of streamOf(output)!) {
      // read it all
    }
    assert.deepEqual(input, before);
  });
});

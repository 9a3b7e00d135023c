import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from '@llmtel/test-utils';
import { checkSpan } from './check-span.ts';
import { RECORDED, SYNTHETIC } from './expectations.ts';
import { only, replay, retryPair, sdkVersion, setup, syntheticFixture, type Harness } from './helpers.ts';

// The lower end of the supported range (3.600, test/compat/sdk-3.600: HTTP/1.1, no `initConfig`, smithy-client
// based), loaded after the instrumentation was enabled, exactly as an app would. The current SDK is covered by every
// other test file.
describe('@aws-sdk/client-bedrock-runtime 3.600', () => {
  let h: Harness;
  before(async () => {
    h = await setup({}, '3.600');
  });
  after(async () => {
    await h.close();
  });

  test('is the expected version, and patched', () => {
    assert.equal(sdkVersion('3.600'), '3.600.0');
    const proto = h.sdk.BedrockRuntimeClient.prototype as unknown as { send: { __wrapped?: boolean } };
    assert.ok(Object.hasOwn(proto, 'send'));
    assert.equal(proto.send.__wrapped, true);
  });

  const recorded = [
    'converse',
    'converse-stream',
    'invoke-model-with-response-stream-amazon-nova-2',
    'invoke-model-with-response-stream-claude-2',
    'invoke-model-with-response-stream-cohere-command-r-2',
  ];
  for (const name of recorded) {
    test(name, async () => {
      await h.reset();
      const fixture = loadFixture('aws.bedrock', name);
      h.fake.enqueue(fixture);
      const appView = await replay(h.client(), h.sdk, fixture);
      assert.notEqual(appView.kind, 'error', appView.json);
      checkSpan(h, only(await h.settle(1)), fixture, RECORDED[name.replace(/-2$/, '')]!);
    });
  }

  const synthetic = [
    'converse-stream-tool-use-cache-tokens',
    'invoke-model-claude-arn-cache',
    'invoke-model-meta-llama',
    // Its body reports no usage: the counts come from Bedrock's response headers.
    'invoke-model-mistral-chat',
  ];
  for (const name of synthetic) {
    test(name, async () => {
      await h.reset();
      const fixture = syntheticFixture(name);
      h.fake.enqueue(fixture);
      const appView = await replay(h.client(), h.sdk, fixture);
      assert.notEqual(appView.kind, 'error', appView.json);
      checkSpan(h, only(await h.settle(1)), fixture, SYNTHETIC[name]!);
    });
  }

  test('the recorded 403 and the retry after it: one span, the retry visible', async () => {
    await h.reset();
    const [failed, ok] = retryPair('invoke-model-does-not-currently-add-genai-conventions');
    h.fake.enqueue(failed, ok);
    const appView = await replay(h.client(), h.sdk, ok);
    assert.notEqual(appView.kind, 'error', appView.json);
    assert.equal(h.fake.pendingCount(), 0);
    const span = only(await h.settle(1));
    checkSpan(h, span, ok, RECORDED['invoke-model-does-not-currently-add-genai-conventions']!);
    assert.equal(span.attributes['http.request.resend_count'], 1);
    assert.deepEqual(
      span.events.map((e) => [e.name, e.attributes?.['error.type'], e.attributes?.['http.response.status_code']]),
      [['llmtel.retry', 'InvalidSignatureException', 403]],
    );
  });
});

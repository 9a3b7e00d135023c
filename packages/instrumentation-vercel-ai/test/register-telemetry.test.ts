import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { syntheticChatCompletion } from '@llmtel/test-utils';
import { createOpenAI } from '@ai-sdk/openai';
import { OpenTelemetry } from '@ai-sdk/otel';
import { generateText, registerTelemetry } from 'ai';
import { registerAiSdkTelemetry } from '@llmtel/instrumentation-vercel-ai';
// Internal, not part of the public API: imported from the build.
import { isVersionInRange } from '../dist/esm/utils.js';
import { billable, one, setup, type Harness } from './helpers.ts';

const holder = globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] };
/** This package's folder, where the workspace's `ai` 7 and `@ai-sdk/otel` resolve. */
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

describe('registerAiSdkTelemetry', () => {
  let h: Harness;
  let openai: ReturnType<typeof createOpenAI>;
  before(async () => {
    h = await setup();
    openai = createOpenAI({ apiKey: 'test-key', baseURL: `${h.fake.url}/v1` });
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
    delete holder.AI_SDK_TELEMETRY_INTEGRATIONS;
  });
  afterEach(() => {
    delete holder.AI_SDK_TELEMETRY_INTEGRATIONS;
  });

  async function generate(model: string): Promise<void> {
    h.fake.enqueue(syntheticChatCompletion({ model, usage: { input_tokens: 11, output_tokens: 2 } }));
    await generateText({ model: openai.chat(model), prompt: 'hi', maxRetries: 0 });
  }

  it('with ai 7 and @ai-sdk/otel installed: calls without telemetry options are traced', async () => {
    const registration = registerAiSdkTelemetry({ resolveFrom: PACKAGE_DIR });
    assert.ok(registration);
    assert.equal(holder.AI_SDK_TELEMETRY_INTEGRATIONS?.length, 1);
    await generate('auto-on');
    const spans = await h.settle(3);
    const chat = one(spans, 'chat auto-on');
    assert.deepEqual(billable(spans), [chat]);
    assert.equal(chat.attributes['gen_ai.usage.input_tokens'], 11);
    assert.equal(chat.attributes['gen_ai.input.messages'], undefined, 'no content unless enabled');

    registration.unregister();
    assert.deepEqual(holder.AI_SDK_TELEMETRY_INTEGRATIONS, []);
    await h.reset();
    await generate('auto-off');
    assert.equal(h.fake.pendingCount(), 0);
    assert.deepEqual(await h.settle(0), [], 'no spans once unregistered');
  });

  it('registers once, however often it is called', () => {
    assert.ok(registerAiSdkTelemetry({ resolveFrom: PACKAGE_DIR }));
    assert.equal(registerAiSdkTelemetry({ resolveFrom: PACKAGE_DIR }), undefined);
    assert.equal(holder.AI_SDK_TELEMETRY_INTEGRATIONS?.length, 1);
  });

  it("steps aside while the app's own @ai-sdk/otel integration is registered", async () => {
    assert.ok(registerAiSdkTelemetry({ resolveFrom: PACKAGE_DIR }));
    registerTelemetry(new OpenTelemetry());
    await generate('app-owned');
    const spans = await h.settle(3);
    assert.equal(spans.filter((s) => s.name === 'chat app-owned').length, 1);
    // Content on: what the app's integration does by default, and what tells it apart from ours.
    assert.match(String(one(spans, 'chat app-owned').attributes['gen_ai.input.messages']), /hi/);
  });

  it('captureMessageContent: true records content on calls that do not say otherwise', async () => {
    assert.ok(registerAiSdkTelemetry({ resolveFrom: PACKAGE_DIR, captureMessageContent: true }));
    await generate('with-content');
    const spans = await h.settle(3);
    assert.match(String(one(spans, 'chat with-content').attributes['gen_ai.input.messages']), /hi/);
  });

  it('does nothing with ai 6 (it traces without a registration) or without ai', () => {
    assert.equal(
      registerAiSdkTelemetry({ resolveFrom: fileURLToPath(new URL('./compat/ai6', import.meta.url)) }),
      undefined,
    );
    const empty = mkdtempSync(join(tmpdir(), 'llmtel-no-ai-'));
    try {
      assert.equal(registerAiSdkTelemetry({ resolveFrom: empty }), undefined);
    } finally {
      rmSync(empty, { recursive: true });
    }
    assert.equal(holder.AI_SDK_TELEMETRY_INTEGRATIONS, undefined);
  });

  it('throws on bad options', () => {
    assert.throws(() => registerAiSdkTelemetry({ resolveFrom: 1 as never }), TypeError);
    assert.throws(() => registerAiSdkTelemetry({ captureMessageContent: 'yes' as never }), TypeError);
  });
});

describe('the version check', () => {
  it('takes ai 7 releases (and pre-releases after 7.0.0), not 6, 8 or a 7.0.0 pre-release', () => {
    const ai7 = (v: unknown) => isVersionInRange(v, [7, 0, 0], 8);
    for (const v of ['7.0.0', '7.0.173', '7.12.3', '7.1.0-canary.2', '7.0.1+build.5']) assert.equal(ai7(v), true, v);
    for (const v of ['6.0.324', '8.0.0', '8.0.0-beta.1', '7.0.0-beta.3', '7', 'latest', undefined]) {
      assert.equal(ai7(v), false, String(v));
    }
  });
});

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, beforeEach, describe, it } from 'node:test';
import { syntheticChatCompletion, syntheticChatCompletionStream } from '@llmtel/test-utils';
import { billable, isChildOf, one, OPENAI_SCOPE, setup, tokenTotals, type Harness } from './helpers.ts';

interface AiRelease {
  version: string;
  generateText: (options: Record<string, unknown>) => Promise<{ text: string }>;
  streamText: (options: Record<string, unknown>) => { text: Promise<string> };
  createOpenAI: (options: Record<string, unknown>) => { chat(model: string): unknown };
}

/** `ai` and `@ai-sdk/openai` as installed in test/compat/<dir> (`npm ci --prefix .../test/compat/<dir>`). */
function loadRelease(dir: string): AiRelease {
  const require = createRequire(new URL(`./compat/${dir}/package.json`, import.meta.url));
  const ai = require('ai');
  return {
    version: (require('ai/package.json') as { version: string }).version,
    generateText: ai.generateText,
    streamText: ai.streamText,
    createOpenAI: require('@ai-sdk/openai').createOpenAI,
  };
}

// The AI SDK's built-in telemetry (v5, the lowest supported release, and v6): `experimental_telemetry`, the legacy
// span format, through the release's own copy of @opentelemetry/api.
let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h.close();
});

for (const [dir, major] of [
  ['ai5', '5'],
  ['ai6', '6'],
] as const) {
  describe(`ai v${major}`, () => {
    let ai: AiRelease;
    before(() => {
      ai = loadRelease(dir);
    });
    beforeEach(async () => {
      await h.reset();
    });
    const telemetry = { isEnabled: true };

    it('is the release under test', () => {
      assert.equal(ai.version.split('.')[0], major);
    });

    it('generateText and streamText: doGenerate / doStream own the usage, the call spans do not', async () => {
      const model = `compat-${dir}`;
      h.fake.enqueue(
        syntheticChatCompletion({ model, usage: { input_tokens: 15, output_tokens: 3 } }),
        syntheticChatCompletionStream({
          model,
          chunks: ['o', 'k'],
          includeUsage: true,
          usage: { input_tokens: 16, output_tokens: 2 },
        }),
      );
      const openai = ai.createOpenAI({ apiKey: 'test-key', baseURL: `${h.fake.url}/v1` });
      const generated = await ai.generateText({
        model: openai.chat(model),
        prompt: 'hi',
        maxRetries: 0,
        experimental_telemetry: telemetry,
      });
      assert.equal(generated.text, 'Hello from a synthetic completion.');
      const streamed = ai.streamText({
        model: openai.chat(model),
        prompt: 'hi',
        maxRetries: 0,
        experimental_telemetry: telemetry,
      });
      assert.equal(await streamed.text, 'ok');

      const spans = await h.settle(4);
      const doGenerate = one(spans, 'ai.generateText.doGenerate');
      const doStream = one(spans, 'ai.streamText.doStream');
      assert.ok(isChildOf(doGenerate, one(spans, 'ai.generateText')));
      assert.ok(isChildOf(doStream, one(spans, 'ai.streamText')));
      const ids = (list: typeof spans) => list.map((s) => s.spanContext().spanId).sort();
      assert.deepEqual(ids(billable(spans)), ids([doGenerate, doStream]));
      for (const span of [doGenerate, doStream]) {
        assert.equal(span.attributes['gen_ai.operation.name'], 'chat');
        assert.equal(span.attributes['gen_ai.provider.name'], 'openai');
        assert.equal(span.attributes['gen_ai.request.model'], model);
      }
      assert.equal(doGenerate.attributes['gen_ai.usage.input_tokens'], 15);
      assert.equal(doStream.attributes['gen_ai.usage.input_tokens'], 16);
      assert.equal(one(spans, 'ai.generateText').attributes['llmtel.usage.billable'], false);
      assert.equal(one(spans, 'ai.streamText').attributes['llmtel.usage.billable'], false);
      const totals = await tokenTotals(h, model);
      assert.deepEqual(totals.input, { count: 2, sum: 31 });
      assert.deepEqual(totals.output, { count: 2, sum: 5 });
      const ms = doStream.attributes['ai.response.msToFirstChunk'];
      assert.equal(typeof ms, 'number', 'the AI SDK reports the time to first chunk on doStream');
      assert.equal(doGenerate.attributes['ai.response.msToFirstChunk'], undefined);
      assert.deepEqual(totals.firstChunks, { count: 1, sum: (ms as number) / 1000 }, 'the stream only, once');
    });
  });
}

describe('ai v5 with a provider over the instrumented openai SDK', () => {
  beforeEach(async () => {
    await h.reset();
  });

  it('the openai span nests under doGenerate and owns the usage', async () => {
    const ai = loadRelease('ai5');
    const client = new h.OpenAI({ apiKey: 'test-key', baseURL: `${h.fake.url}/v1`, maxRetries: 0 }) as {
      chat: { completions: { create(body: unknown): Promise<{ choices: { message: { content: string } }[] }> } };
    };
    // A LanguageModelV2 (the provider specification of ai v5) built on the openai SDK.
    const model = {
      specificationVersion: 'v2',
      provider: 'in-house.chat',
      modelId: 'compat-v5-sdk',
      supportedUrls: {},
      async doGenerate() {
        const completion = await client.chat.completions.create({
          model: 'compat-v5-sdk',
          messages: [{ role: 'user', content: 'hi' }],
        });
        return {
          content: [{ type: 'text', text: completion.choices[0]!.message.content }],
          finishReason: 'stop',
          usage: { inputTokens: 21, outputTokens: 4, totalTokens: 25 },
          warnings: [],
        };
      },
      doStream() {
        throw new Error('not used');
      },
    };
    h.fake.enqueue(syntheticChatCompletion({ model: 'compat-v5-sdk', usage: { input_tokens: 21, output_tokens: 4 } }));
    await ai.generateText({ model, prompt: 'hi', maxRetries: 0, experimental_telemetry: { isEnabled: true } });

    const spans = await h.settle(3);
    const doGenerate = one(spans, 'ai.generateText.doGenerate');
    const sdk = one(spans, 'chat compat-v5-sdk', OPENAI_SCOPE);
    assert.ok(isChildOf(sdk, doGenerate));
    assert.deepEqual(billable(spans), [sdk]);
    assert.equal(doGenerate.attributes['llmtel.usage.billable'], false);
    assert.deepEqual((await tokenTotals(h, 'compat-v5-sdk')).input, { count: 1, sum: 21 });
  });
});

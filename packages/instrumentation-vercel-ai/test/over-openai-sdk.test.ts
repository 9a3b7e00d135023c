import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { syntheticChatCompletion, syntheticChatCompletionStream } from '@llmtel/test-utils';
import type { LanguageModelV4, LanguageModelV4StreamPart, LanguageModelV4Usage } from '@ai-sdk/provider';
import { LegacyOpenTelemetry, OpenTelemetry } from '@ai-sdk/otel';
import { generateText, streamText } from 'ai';
import { billable, isChildOf, one, OPENAI_SCOPE, setup, tokenTotals, type Harness } from './helpers.ts';

interface Completion {
  id: string;
  model: string;
  choices: { message: { content: string | null }; finish_reason: string }[];
  usage?: { prompt_tokens: number; completion_tokens: number };
}
interface Chunk {
  id: string;
  choices: { delta: { content?: string | null }; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
}
interface OpenAIClient {
  chat: { completions: { create(body: Record<string, unknown>): Promise<Completion | AsyncIterable<Chunk>> } };
}

function usageOf(u: { prompt_tokens: number; completion_tokens: number } | undefined | null): LanguageModelV4Usage {
  return {
    inputTokens: { total: u?.prompt_tokens, noCache: u?.prompt_tokens, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: u?.completion_tokens, text: u?.completion_tokens, reasoning: undefined },
  };
}

/**
 * An AI SDK provider built on the `openai` SDK, as a community or in-house provider may be: with the openai SDK
 * instrumented, the request gets the openai instrumentation's span under the AI SDK's span.
 */
function openAISdkModel(client: OpenAIClient, modelId: string): LanguageModelV4 {
  const messagesOf = (prompt: { role: string; content: unknown }[]) =>
    prompt.map((m) => ({
      role: m.role,
      content: Array.isArray(m.content)
        ? m.content.map((p: { text?: string }) => p.text ?? '').join('')
        : String(m.content),
    }));
  return {
    specificationVersion: 'v4',
    provider: 'in-house.openai-sdk',
    modelId,
    supportedUrls: {},
    async doGenerate(options) {
      const completion = (await client.chat.completions.create({
        model: modelId,
        messages: messagesOf(options.prompt),
      })) as Completion;
      const choice = completion.choices[0]!;
      return {
        content: [{ type: 'text', text: choice.message.content ?? '' }],
        finishReason: { unified: 'stop', raw: choice.finish_reason },
        usage: usageOf(completion.usage),
        response: { id: completion.id, modelId: completion.model },
        warnings: [],
      };
    },
    async doStream(options) {
      const chunks = (await client.chat.completions.create({
        model: modelId,
        messages: messagesOf(options.prompt),
        stream: true,
        stream_options: { include_usage: true },
      })) as AsyncIterable<Chunk>;
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        async start(controller) {
          controller.enqueue({ type: 'stream-start', warnings: [] });
          controller.enqueue({ type: 'text-start', id: 't' });
          let usage: Chunk['usage'];
          for await (const chunk of chunks) {
            const delta = chunk.choices[0]?.delta.content;
            if (delta) controller.enqueue({ type: 'text-delta', id: 't', delta });
            if (chunk.usage) usage = chunk.usage;
          }
          controller.enqueue({ type: 'text-end', id: 't' });
          controller.enqueue({ type: 'finish', usage: usageOf(usage), finishReason: { unified: 'stop', raw: 'stop' } });
          controller.close();
        },
      });
      return { stream };
    },
  };
}

// The openai SDK under the AI SDK is instrumented: its span owns each request's usage, the AI SDK's span is the
// (non-billable) parent.
describe('AI SDK spans over an instrumented provider SDK', () => {
  let h: Harness;
  let client: OpenAIClient;
  before(async () => {
    h = await setup();
    client = new h.OpenAI({ apiKey: 'test-key', baseURL: `${h.fake.url}/v1`, maxRetries: 0 }) as OpenAIClient;
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  for (const [format, integration] of [
    ['@ai-sdk/otel', () => new OpenTelemetry()],
    ['legacy', () => new LegacyOpenTelemetry()],
  ] as const) {
    const requestSpanName = (model: string) => (format === 'legacy' ? 'ai.generateText.doGenerate' : `chat ${model}`);

    it(`${format} format, generateText: the openai span is the AI SDK span's child and the only billable one`, async () => {
      const model = `sdk-generate-${format}`;
      h.fake.enqueue(syntheticChatCompletion({ model, usage: { input_tokens: 40, output_tokens: 5 } }));
      const result = await generateText({
        model: openAISdkModel(client, model),
        prompt: 'hi',
        maxRetries: 0,
        telemetry: { integrations: [integration()] },
      });
      assert.equal(result.text, 'Hello from a synthetic completion.');

      const spans = await h.settle(3);
      const aiSpan = one(
        spans.filter((s) => s.instrumentationScope.name !== OPENAI_SCOPE),
        requestSpanName(model),
      );
      const sdkSpan = one(spans, `chat ${model}`, OPENAI_SCOPE);
      assert.ok(isChildOf(sdkSpan, aiSpan), 'the provider request nests under the AI SDK span');
      assert.deepEqual(billable(spans), [sdkSpan]);
      assert.equal(aiSpan.attributes['llmtel.usage.billable'], false);
      assert.equal(aiSpan.attributes['llmtel.usage.cost_usd'], undefined);
      assert.equal(aiSpan.attributes['gen_ai.provider.name'], 'in-house.openai-sdk');

      const totals = await tokenTotals(h, model);
      assert.deepEqual(totals.input, { count: 1, sum: 40 }, 'one set of token metrics');
      assert.deepEqual(totals.output, { count: 1, sum: 5 });
    });
  }

  it('streamText: the same ownership while the stream is pulled', async () => {
    const model = 'sdk-stream';
    h.fake.enqueue(
      syntheticChatCompletionStream({
        model,
        chunks: ['a', 'b', 'c'],
        includeUsage: true,
        usage: { input_tokens: 9, output_tokens: 3 },
      }),
    );
    const result = streamText({
      model: openAISdkModel(client, model),
      prompt: 'hi',
      maxRetries: 0,
      telemetry: { integrations: [new OpenTelemetry()] },
    });
    assert.equal(await result.text, 'abc');

    const spans = await h.settle(4);
    const aiSpan = one(
      spans.filter((s) => s.instrumentationScope.name !== OPENAI_SCOPE),
      `chat ${model}`,
    );
    const sdkSpan = one(spans, `chat ${model}`, OPENAI_SCOPE);
    assert.ok(isChildOf(sdkSpan, aiSpan));
    assert.deepEqual(billable(spans), [sdkSpan]);
    const totals = await tokenTotals(h, model);
    assert.deepEqual(totals.input, { count: 1, sum: 9 });
    assert.equal(totals.firstChunks.count, 1, "the openai span's own time to first chunk, not the AI SDK span's too");
  });
});

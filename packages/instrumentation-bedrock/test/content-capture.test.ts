import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture, type Fixture } from '@llmtel/test-utils';
import { only, replay, setup, syntheticFixture, type Harness } from './helpers.ts';

const CONFIG = {
  captureMessageContent: true,
  contentRedactor: (value: string) => value.replaceAll('Paris', '[city]'),
};

function json(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

describe('content capture', () => {
  // One instrumentation per process: the SDK module is patched when it is first required.
  describe('on, with a redactor', () => {
    let h: Harness;
    before(async () => {
      h = await setup(CONFIG);
    });
    after(async () => {
      await h.close();
    });
    beforeEach(async () => {
      await h.reset();
    });

    async function capture(fixture: Fixture) {
      h.fake.enqueue(fixture);
      const appView = await replay(h.client(), h.sdk, fixture);
      assert.notEqual(appView.kind, 'error', appView.json);
      const span = only(await h.settle(1));
      return {
        input: json(span.attributes['gen_ai.input.messages']),
        output: json(span.attributes['gen_ai.output.messages']),
        system: json(span.attributes['gen_ai.system_instructions']),
      };
    }

    test('Converse: messages and the output message with its stop reason', async () => {
      const content = await capture(loadFixture('aws.bedrock', 'converse'));
      assert.deepEqual(content.input, [{ role: 'user', parts: [{ type: 'text', content: 'Say this is a test' }] }]);
      assert.deepEqual(content.output, [
        { role: 'assistant', parts: [{ type: 'text', content: "Hi. I'm not sure what" }], finish_reason: 'max_tokens' },
      ]);
      assert.equal(content.system, undefined);
    });

    test('ConverseStream: system instructions, streamed text and a streamed tool call, redacted', async () => {
      const content = await capture(syntheticFixture('converse-stream-tool-use-cache-tokens'));
      assert.deepEqual(content.system, [{ type: 'text', content: 'Use the tools you have.' }]);
      assert.deepEqual(content.input, [
        { role: 'user', parts: [{ type: 'text', content: 'What is the weather in [city]?' }] },
      ]);
      assert.deepEqual(content.output, [
        {
          role: 'assistant',
          parts: [
            { type: 'text', content: 'Let me check the weather.' },
            // The redactor sees tool arguments as JSON text, and they stay text once redacted.
            {
              type: 'tool_call',
              id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q',
              name: 'get_weather',
              arguments: '{"city":"[city]"}',
            },
          ],
          finish_reason: 'tool_use',
        },
      ]);
    });

    test('InvokeModel, Claude: system blocks, messages, the response content', async () => {
      const content = await capture(syntheticFixture('invoke-model-claude-arn-cache'));
      assert.deepEqual(content.system, [
        { type: 'text', content: 'You are a careful reviewer of the attached contract.' },
      ]);
      assert.deepEqual(content.input, [{ role: 'user', parts: [{ type: 'text', content: 'Summarise clause 4.' }] }]);
      assert.deepEqual(content.output, [
        {
          role: 'assistant',
          parts: [{ type: 'text', content: 'Clause 4 limits liability to the fees paid in the prior twelve months.' }],
          finish_reason: 'end_turn',
        },
      ]);
    });

    test('InvokeModelWithResponseStream, Claude: the streamed text', async () => {
      const content = await capture(loadFixture('aws.bedrock', 'invoke-model-with-response-stream-claude-2'));
      assert.deepEqual(content.output, [
        {
          role: 'assistant',
          parts: [{ type: 'text', content: "Hello! I'm doing well, thank you for asking." }],
          finish_reason: 'max_tokens',
        },
      ]);
    });

    test('Meta Llama and Cohere Command R: prompt, chat message, generated text', async () => {
      const llama = await capture(syntheticFixture('invoke-model-meta-llama'));
      const prompt = (syntheticFixture('invoke-model-meta-llama').request.body as { prompt: string }).prompt;
      assert.deepEqual(llama.input, [{ role: 'user', parts: [{ type: 'text', content: prompt }] }]);
      assert.deepEqual(llama.output, [
        {
          role: 'assistant',
          parts: [{ type: 'text', content: ' The capital of France is [city].' }],
          finish_reason: 'stop',
        },
      ]);
      await h.reset();
      const cohere = await capture(loadFixture('aws.bedrock', 'invoke-model-with-response-stream-cohere-command-r-2'));
      assert.deepEqual(cohere.input, [{ role: 'user', parts: [{ type: 'text', content: 'Say this is a test' }] }]);
      assert.deepEqual(cohere.output, [
        {
          role: 'assistant',
          parts: [{ type: 'text', content: "This is indeed a test. Hopefully, it's" }],
          finish_reason: 'MAX_TOKENS',
        },
      ]);
    });

    test('embeddings carry no content (the conventions define none for them)', async () => {
      const content = await capture(syntheticFixture('invoke-model-titan-embed'));
      assert.deepEqual(content, { input: undefined, output: undefined, system: undefined });
    });

    test('off by default: with the option unset (and no env var), no prompt or completion leaves the process', async () => {
      delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
      h.instrumentation.setConfig({});
      try {
        const fixture = syntheticFixture('converse-stream-tool-use-cache-tokens');
        h.fake.enqueue(fixture);
        await replay(h.client(), h.sdk, fixture);
        const span = only(await h.settle(1));
        assert.equal(span.attributes['gen_ai.usage.output_tokens'], 31, 'the call is still traced');
        const text = JSON.stringify(span.attributes) + JSON.stringify(span.events);
        for (const secret of ['weather in', 'Let me check', 'Use the tools', 'Paris']) {
          assert.ok(!text.includes(secret), `${secret} is on the span`);
        }
      } finally {
        h.instrumentation.setConfig(CONFIG);
      }
    });
  });
});

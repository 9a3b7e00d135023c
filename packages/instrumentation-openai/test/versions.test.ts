import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanStatusCode } from '@opentelemetry/api';
import { loadFixture, syntheticChatCompletionStream } from '@llmtel/test-utils';
import {
  collect,
  expectedUsageAttributes,
  loadOpenAI,
  only,
  openAIVersion,
  replay,
  setup,
  usageAttributesOf,
  type Harness,
  type OpenAIClass,
} from './helpers.ts';

// The lower (5.23, test/compat/openai5) and middle (6.x, the benchmark's) majors of the supported range, each loaded
// after the instrumentation was enabled, exactly as an app would. v7 is covered by every other test file.
let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h.close();
});

for (const major of [5, 6] as const) {
  describe(`openai v${major}`, () => {
    let OpenAI: OpenAIClass;
    before(() => {
      OpenAI = loadOpenAI(major);
    });
    beforeEach(async () => {
      await h.reset();
    });
    const client = () => h.client({}, OpenAI);

    test('is the expected major, and patched', () => {
      const Completions = (
        OpenAI as unknown as { Chat: { Completions: { prototype: { create: { __wrapped?: boolean } } } } }
      ).Chat.Completions;
      assert.equal(Completions.prototype.create.__wrapped, true);
      assert.notEqual(OpenAI, h.OpenAI);
      assert.equal(openAIVersion(major).split('.')[0], String(major));
    });

    for (const name of [
      'chat-completions-records-tool-calls-1',
      'streaming-chat-completions-records-usage',
      'responses-create-basic',
      'responses-create-streaming',
      'embeddings-adds-genai-conventions',
    ]) {
      test(`${name}: usage equals the recording`, async () => {
        const fixture = loadFixture('openai', name);
        h.fake.enqueue(fixture);
        const view = await replay(client(), fixture);
        assert.notEqual(view.kind, 'error', view.json);
        const span = only(await h.settle(1));
        assert.deepEqual(usageAttributesOf(span), expectedUsageAttributes(fixture.usage));
      });
    }

    test('a 404 is an ERROR span and the app gets the SDK error', async () => {
      const fixture = loadFixture('openai', 'chat-completion-404');
      h.fake.enqueue(fixture);
      await assert.rejects(client().chat.completions.create(fixture.request.body as never), OpenAI.NotFoundError);
      const span = only(await h.settle(1));
      assert.equal(span.status.code, SpanStatusCode.ERROR);
      assert.equal(span.attributes['error.type'], 'model_not_found');
    });

    test('injected include_usage: the app never sees the usage chunk', async () => {
      h.fake.enqueue(
        syntheticChatCompletionStream({
          model: 'gpt-4o-mini',
          chunks: 3,
          includeUsage: true,
          usage: { input_tokens: 11, output_tokens: 3 },
        }),
      );
      const stream = await client().chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      });
      const chunks = (await collect(stream)) as { choices: unknown[] }[];
      assert.equal(chunks.length, 5);
      assert.ok(chunks.every((c) => c.choices.length > 0 && !('usage' in c)));
      assert.equal(only(await h.settle(1)).attributes['gen_ai.usage.input_tokens'], 11);
    });

    test('break, tee() and double iteration each end one span', async () => {
      const fixture = () => syntheticChatCompletionStream({ model: 'gpt-4o-mini', chunks: 6, includeUsage: false });
      const body = {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user' as const, content: 'hi' }],
        stream: true as const,
      };

      h.fake.enqueue(fixture());
      for await (const _ of await client().chat.completions.create(body)) break;
      h.fake.enqueue(fixture());
      const [left, right] = (await client().chat.completions.create(body)).tee();
      const [a, b] = await Promise.all([collect(left), collect(right)]);
      assert.deepEqual(a, b);
      h.fake.enqueue(fixture());
      const twice = await client().chat.completions.create(body);
      await collect(twice);
      await assert.rejects(() => collect(twice), /consumed/);

      const spans = await h.settle(3);
      assert.equal(spans.length, 3);
      assert.ok(spans.every((s) => s.status.code === SpanStatusCode.UNSET));
    });

    test('chat.completions.stream() and asResponse()', async () => {
      h.fake.enqueue(syntheticChatCompletionStream({ model: 'gpt-4o-mini', chunks: ['a', 'b'], includeUsage: true }));
      const final = await client()
        .chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
        .finalChatCompletion();
      assert.equal(final.choices[0]!.message.content, 'ab');
      assert.equal(only(await h.settle(1)).attributes['gen_ai.usage.output_tokens'], 2);

      await h.reset();
      const fixture = loadFixture('openai', 'chat-completions-adds-genai-conventions');
      h.fake.enqueue(fixture);
      const response = await client()
        .chat.completions.create(fixture.request.body as never)
        .asResponse();
      assert.equal(response.bodyUsed, false);
      assert.deepEqual(await response.json(), fixture.response.body);
      only(await h.settle(1));
    });
  });
}

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import {
  loadFixture,
  splitSseEvents,
  startFakeProvider,
  syntheticChatCompletion,
  syntheticChatCompletionStream,
  syntheticOpenAiError,
  type FakeProvider,
} from '@llmtel/test-utils';

void describe('synthetic OpenAI exchanges', () => {
  let provider: FakeProvider;
  let client: OpenAI;
  before(async () => {
    provider = await startFakeProvider();
    client = new OpenAI({ apiKey: 'test-key', baseURL: `${provider.url}/v1`, maxRetries: 0 });
  });
  after(() => provider.close());

  void it('formats a stream like the recorded ones', () => {
    const recorded = loadFixture('openai', 'streaming-chat-completions-records-usage');
    const recordedChunks = splitSseEvents(recorded.response.sse ?? '').map((e) => e.slice('data: '.length, -2));
    const fixture = syntheticChatCompletionStream({ model: 'gpt-4o-mini', chunks: 4, includeUsage: true });
    const chunks = splitSseEvents(fixture.response.sse ?? '').map((e) => e.slice('data: '.length, -2));
    assert.equal(chunks.length, recordedChunks.length);
    assert.equal(chunks.at(-1), '[DONE]');
    const shape = (json: string): string[] => Object.keys(JSON.parse(json) as object);
    for (let i = 0; i < chunks.length - 1; i++) assert.deepEqual(shape(chunks[i]!), shape(recordedChunks[i]!));
    assert.equal(fixture.synthetic, true);
    assert.match(fixture.source, /^synthetic:/);
  });

  void it('serves a non-stream completion the OpenAI SDK parses', async () => {
    const fixture = syntheticChatCompletion({
      model: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024-07-18',
      content: 'Hi there',
      id: 'chatcmpl-test1',
      usage: { input_tokens: 7, output_tokens: 2, cache_read_input_tokens: 3 },
    });
    provider.enqueue(fixture);
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello' }],
    });
    assert.equal(completion.id, 'chatcmpl-test1');
    assert.equal(completion.model, 'gpt-4o-mini-2024-07-18');
    assert.equal(completion.choices[0]?.message.content, 'Hi there');
    assert.equal(completion.usage?.prompt_tokens, 7);
    assert.equal(completion.usage?.completion_tokens, 2);
    assert.equal(completion.usage?.total_tokens, 9);
    assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 3);
    assert.deepEqual(fixture.usage?.input_tokens, 7);
  });

  void it('serves a stream with a final usage chunk the OpenAI SDK parses', async () => {
    provider.enqueue(
      syntheticChatCompletionStream({
        model: 'gpt-4o-mini',
        chunks: 3,
        content: 'abcdefghi',
        includeUsage: true,
        usage: { input_tokens: 5, output_tokens: 3, reasoning_tokens: 1 },
      }),
    );
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finish: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finish.push(chunk.choices[0].finish_reason);
      if (chunk.usage) {
        assert.deepEqual(chunk.choices, []);
        usage = chunk.usage;
      }
    }
    assert.equal(text, 'abcdefghi');
    assert.deepEqual(finish, ['stop']);
    assert.equal(usage?.prompt_tokens, 5);
    assert.equal(usage?.completion_tokens_details?.reasoning_tokens, 1);
  });

  void it('a stream without includeUsage has no usage field and a null fixture usage', () => {
    const fixture = syntheticChatCompletionStream({ model: 'm', chunks: ['a', 'b'], includeUsage: false });
    assert.equal(fixture.usage, null);
    assert.doesNotMatch(fixture.response.sse ?? '', /"usage"/);
    assert.equal((fixture.request.body as Record<string, unknown>).stream_options, undefined);
  });

  void it('serves an error the OpenAI SDK turns into an APIError', async () => {
    provider.enqueue(
      syntheticOpenAiError(429, 'requests', 'rate_limit_exceeded', 'Rate limit reached', {
        headers: { 'retry-after': '1' },
      }),
    );
    const err = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] })
      .then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof OpenAI.RateLimitError);
    assert.equal(err.status, 429);
    assert.equal(err.code, 'rate_limit_exceeded');
    assert.equal(err.type, 'requests');
    assert.match(err.message, /Rate limit reached/);
  });
});

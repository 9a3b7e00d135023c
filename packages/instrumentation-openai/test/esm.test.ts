import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { loadFixture } from '@llmtel/test-utils';
import { asStream, collect, only, setup, type Harness, type OpenAIClass } from './helpers.ts';

// `import OpenAI from 'openai'` loads the SDK's ESM build (index.mjs, its own classes), patched through
// import-in-the-middle. Registering its loader here stands in for the `--import @llmtel/node/register` an app uses
// (the spawned-app tests of @llmtel/node cover that path end to end).
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

let h: Harness;
let EsmOpenAI: OpenAIClass;
before(async () => {
  h = await setup();
  EsmOpenAI = ((await import('openai')) as { default: OpenAIClass }).default;
});
after(async () => {
  await h.close();
});

test('the ESM build is a different class from the CommonJS one, and is instrumented', async () => {
  assert.notEqual(EsmOpenAI, h.OpenAI);
  const fixture = loadFixture('openai', 'chat-completions-adds-genai-conventions');
  h.fake.enqueue(fixture);
  const completion = await h.client({}, EsmOpenAI).chat.completions.create(fixture.request.body as never);
  assert.equal(completion.usage!.prompt_tokens, fixture.usage!.input_tokens);
  const span = only(await h.settle(1));
  assert.equal(span.attributes['gen_ai.usage.input_tokens'], fixture.usage!.input_tokens);
});

test('ESM streams and Responses are instrumented too', async () => {
  await h.reset();
  const streamed = loadFixture('openai', 'streaming-chat-completions-records-usage');
  const responses = loadFixture('openai', 'responses-create-streaming');
  h.fake.enqueue(streamed, responses);
  const client = h.client({}, EsmOpenAI);
  await collect(asStream(await client.chat.completions.create(streamed.request.body as never)));
  await collect(asStream(await client.responses.create(responses.request.body as never)));
  const spans = await h.settle(2);
  assert.deepEqual(
    spans.map((s) => s.attributes['gen_ai.usage.output_tokens']),
    [streamed.usage!.output_tokens, responses.usage!.output_tokens],
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from '@llmtel/test-utils';
import { setup, collect } from './helpers.ts';

test('smoke', async () => {
  const h = await setup();
  const f = loadFixture('openai', 'chat-completions-adds-genai-conventions');
  h.fake.enqueue(f);
  const res = await h.client().chat.completions.create(f.request.body as never);
  console.log(JSON.stringify(res).slice(0, 200));
  const [span] = await h.waitForSpans(1);
  console.log(span!.name, span!.attributes);
  const s = loadFixture('openai', 'streaming-chat-completions-adds-genai-conventions');
  h.fake.enqueue(s);
  h.reset();
  const stream = await h.client().chat.completions.create(s.request.body as never);
  const chunks = await collect(stream as AsyncIterable<unknown>);
  console.log(chunks.length, JSON.stringify(h.fake.requests[1]!.body));
  const [span2] = await h.waitForSpans(1);
  console.log(span2!.name, span2!.attributes);
  console.log([...(await h.metrics()).keys()]);
  await h.close();
});

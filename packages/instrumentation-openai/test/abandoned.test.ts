import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { ATTR_LLMTEL_RESPONSE_ABANDONED } from '@llmtel/core';
import { collectGarbageUntil, syntheticChatCompletion, syntheticChatCompletionStream } from '@llmtel/test-utils';
import {
  asStream,
  collect,
  loadOpenAI,
  only,
  pointsWhere,
  setup,
  sleep,
  type Harness,
  type OpenAIClass,
  type OpenAIMajor,
} from './helpers.ts';

const ABANDONED = ATTR_LLMTEL_RESPONSE_ABANDONED;
const collectUntil = (done: () => boolean) => collectGarbageUntil(done, 20);

// An app that drops what the SDK returned, unread: these helpers return before anything reads it, so nothing in the
// test holds it either.
let h: Harness;
before(async () => {
  h = await setup();
});
after(async () => {
  await h.close();
});

function body(model: string, stream: boolean) {
  return { model, messages: [{ role: 'user' as const, content: 'hi' }], stream } as {
    model: string;
    messages: { role: 'user'; content: string }[];
    stream: false;
  };
}

function spanOf(model: string): ReadableSpan[] {
  return h.exporter.getFinishedSpans().filter((s) => s.attributes['gen_ai.request.model'] === model);
}

async function durationCount(model: string): Promise<number> {
  const points = pointsWhere((await h.metrics()).get('gen_ai.client.operation.duration'), {
    'gen_ai.request.model': model,
  });
  return points.reduce((n, p) => n + p.value.count, 0);
}

for (const major of [7, 6, 5] as OpenAIMajor[]) {
  describe(`openai v${major}: a response the app drops unread`, () => {
    let OpenAI: OpenAIClass;
    before(() => {
      OpenAI = loadOpenAI(major);
    });
    beforeEach(async () => {
      await h.reset();
    });
    const client = () => h.client({}, OpenAI);

    test('a stream never iterated ends its span once it is collected, marked abandoned', async () => {
      const model = `dropped-stream-v${major}`;
      h.fake.enqueue(syntheticChatCompletionStream({ model, chunks: 3, includeUsage: true }));
      await (async () => {
        await client().chat.completions.create(body(model, true));
      })();
      await collectUntil(() => spanOf(model).length > 0);

      const span = only(await h.settle(1));
      assert.equal(span.attributes[ABANDONED], true);
      assert.equal(span.status.code, SpanStatusCode.UNSET, 'dropping a response is not an error');
      assert.equal(span.attributes['error.type'], undefined);
      assert.equal(span.attributes['gen_ai.response.finish_reasons'], undefined);
      assert.equal(await durationCount(model), 1);
    });

    test('a create() never awaited ends its span once it is collected, marked abandoned', async () => {
      const model = `never-awaited-v${major}`;
      h.fake.enqueue(syntheticChatCompletion({ model }));
      const requests = h.fake.requests.length;
      (() => {
        void client().chat.completions.create(body(model, false));
      })();
      await collectUntil(() => spanOf(model).length > 0);

      assert.equal(h.fake.requests.length, requests + 1, 'the request was sent');
      const span = only(await h.settle(1));
      assert.equal(span.attributes[ABANDONED], true);
      assert.equal(span.status.code, SpanStatusCode.UNSET);
      assert.equal(span.attributes['gen_ai.response.id'], undefined, 'nobody read the body');
      assert.equal(await durationCount(model), 1);
    });

    test('a consumed stream, then collected, is not ended a second time', async () => {
      const model = `consumed-stream-v${major}`;
      h.fake.enqueue(syntheticChatCompletionStream({ model, chunks: 3, includeUsage: true }));
      const chunks = await (async () => collect(asStream(await client().chat.completions.create(body(model, true)))))();
      assert.equal(chunks.length, 5);
      // A dropped stream ending shows that collection and finalizers have run since.
      const control = `control-v${major}`;
      h.fake.enqueue(syntheticChatCompletionStream({ model: control, chunks: 1, includeUsage: false }));
      await (async () => {
        await client().chat.completions.create(body(control, true));
      })();
      await collectUntil(() => spanOf(control).length > 0);

      const spans = await h.settle(2);
      const span = only(spans.filter((s) => s.attributes['gen_ai.request.model'] === model));
      assert.equal(span.attributes[ABANDONED], undefined);
      assert.equal(span.attributes['gen_ai.usage.output_tokens'], 3);
      assert.equal(await durationCount(model), 1);
    });

    test('parse() keeps the span of the create() under it open until the app reads it', async () => {
      const model = `parsed-late-v${major}`;
      h.fake.enqueue(syntheticChatCompletion({ model, usage: { input_tokens: 9, output_tokens: 4 } }));
      // The app holds only parse()'s promise; the create() promise under it is the one watched.
      const requests = h.fake.requests.length;
      const parsed = client().chat.completions.parse(body(model, false));
      for (let i = 0; i < 200 && h.fake.requests.length === requests; i++) await sleep(10);
      await sleep(50); // the response has arrived: only the app's reading it is left
      const control = `control-parse-v${major}`;
      h.fake.enqueue(syntheticChatCompletionStream({ model: control, chunks: 1, includeUsage: false }));
      await (async () => {
        await client().chat.completions.create(body(control, true));
      })();
      await collectUntil(() => spanOf(control).length > 0);
      assert.deepEqual(spanOf(model), [], 'the response is not read yet');

      const completion = await parsed;
      assert.equal(completion.model, model);
      const span = only((await h.settle(2)).filter((s) => s.attributes['gen_ai.request.model'] === model));
      assert.equal(span.attributes[ABANDONED], undefined);
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], 9);
      assert.equal(span.attributes['gen_ai.usage.output_tokens'], 4);
    });
  });
}

describe('openai v7: when the span of a dropped response ends', () => {
  beforeEach(async () => {
    await h.reset();
  });

  test('a dropped stream ends as of its handover, not of its collection', async () => {
    const model = 'dropped-stream-end-time';
    h.fake.enqueue(syntheticChatCompletionStream({ model, chunks: 1, includeUsage: false }));
    await (async () => {
      await h.client().chat.completions.create(body(model, true));
    })();
    const handedOver = Date.now();
    await sleep(300);
    await collectUntil(() => spanOf(model).length > 0);

    const [seconds, nanos] = only(await h.settle(1)).endTime;
    const endedMs = seconds * 1e3 + nanos / 1e6;
    assert.ok(endedMs < handedOver + 150, `ended ${Math.round(endedMs - handedOver)} ms after the handover`);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CHUNK_EVENT,
  CHUNK_HIDDEN,
  CHUNK_OUTPUT,
  observeSdkStream,
  type ChunkDisposition,
  type GenAiResponse,
  type StreamCompletion,
} from '@llmtel/core';

/** A Stainless-like `Stream`: every way of reading it goes through `iterator()`. */
function sdkStream(chunks: string[], failWith?: Error) {
  return {
    iterator: async function* () {
      for (const chunk of chunks) yield chunk;
      if (failWith) throw failWith;
    },
    [Symbol.asyncIterator]() {
      return this.iterator();
    },
  };
}

/** Records what the stream reported. */
function recorder() {
  const log: string[] = [];
  const completion: Omit<StreamCompletion, 'ended'> & { ended: boolean } = {
    ended: false,
    recordChunk: () => log.push('chunk'),
    end(response?: GenAiResponse) {
      this.ended = true;
      log.push(`end ${response?.responseId ?? ''}`);
    },
    fail(error: unknown, partial?: GenAiResponse) {
      this.ended = true;
      log.push(`fail ${(error as Error).message} ${partial?.responseId ?? ''}`);
    },
  };
  return { log, completion };
}

const DISPOSITIONS: Record<string, ChunkDisposition> = { o: CHUNK_OUTPUT, e: CHUNK_EVENT, h: CHUNK_HIDDEN };

function accumulator(inBandError?: Error) {
  const seen: string[] = [];
  return {
    seen,
    add: (chunk: unknown) => (seen.push(String(chunk)), DISPOSITIONS[String(chunk)[0]!]!),
    response: () => ({ responseId: seen.join('') }),
    error: () => inBandError,
  };
}

describe('observeSdkStream', () => {
  it('counts output chunks, hides hidden ones from the app, and ends once with what it read', async () => {
    const stream = sdkStream(['e1', 'o1', 'h1', 'o2']);
    const { log, completion } = recorder();
    assert.equal(observeSdkStream(stream, completion, accumulator(), 'test'), true);
    const got: unknown[] = [];
    for await (const chunk of stream) got.push(chunk);
    assert.deepEqual(got, ['e1', 'o1', 'o2']);
    assert.deepEqual(log, ['chunk', 'chunk', 'end e1o1h1o2']);
  });

  it("ends on the app's break, and fails with the stream's error or an in-band one", async () => {
    const broken = sdkStream(['o1', 'o2']);
    const first = recorder();
    observeSdkStream(broken, first.completion, accumulator(), 'test');
    for await (const chunk of broken) if (chunk === 'o1') break;
    assert.deepEqual(first.log, ['chunk', 'end o1']);

    const failing = sdkStream(['o1'], new Error('reset'));
    const second = recorder();
    observeSdkStream(failing, second.completion, accumulator(), 'test');
    await assert.rejects(async () => {
      for await (const _ of failing);
    }, /reset/);
    assert.deepEqual(second.log, ['chunk', 'fail reset o1']);

    const inBand = sdkStream(['o1']);
    const third = recorder();
    observeSdkStream(inBand, third.completion, accumulator(new Error('response.failed')), 'test');
    for await (const _ of inBand);
    assert.deepEqual(third.log, ['chunk', 'fail response.failed o1']);
  });

  it('observes only the first iteration, and leaves what is not a stream alone', async () => {
    const stream = sdkStream(['o1']);
    const { log, completion } = recorder();
    observeSdkStream(stream, completion, accumulator(), 'test');
    const observed = stream.iterator(); // the first iteration
    for await (const _ of stream); // a second one: passed through
    assert.deepEqual(log, []);
    for await (const _ of { [Symbol.asyncIterator]: () => observed });
    assert.deepEqual(log, ['chunk', 'end o1']);
    assert.equal(observeSdkStream({}, completion, accumulator(), 'test'), false);
    assert.equal(observeSdkStream(null, completion, accumulator(), 'test'), false);
  });
});

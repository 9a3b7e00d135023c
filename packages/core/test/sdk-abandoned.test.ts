import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ATTR_LLMTEL_RESPONSE_ABANDONED,
  CHUNK_OUTPUT,
  type ChunkDisposition,
  observeSdkResult,
  observeSdkStream,
  type GenAiResponse,
  type ResponseProps,
  type SettledCall,
  type StreamCompletion,
} from '@llmtel/core';
import { collectGarbageUntil, exposedGc } from '@llmtel/test-utils';

const ABANDONED = ATTR_LLMTEL_RESPONSE_ABANDONED;
const gc = exposedGc();
const collectUntil = (done: () => boolean) => collectGarbageUntil(done, 10);

interface Ended {
  how: 'end' | 'fail';
  response: GenAiResponse | undefined;
  endedAt: number | undefined;
}

/** A completion that records every end and fail, including the ones after the first (which must not happen). */
function recorder() {
  const ends: Ended[] = [];
  const completion: Omit<StreamCompletion & SettledCall, 'ended'> & { ended: boolean } = {
    ended: false,
    recordChunk: () => undefined,
    end(response?: GenAiResponse, endedAt?: number) {
      this.ended = true;
      ends.push({ how: 'end', response, endedAt });
    },
    fail(_error: unknown, partial?: GenAiResponse) {
      this.ended = true;
      ends.push({ how: 'fail', response: partial, endedAt: undefined });
    },
  };
  return { ends, completion };
}

function accumulator() {
  const seen: string[] = [];
  return {
    add: (chunk: unknown): ChunkDisposition => (seen.push(String(chunk)), CHUNK_OUTPUT),
    response: () => ({ responseId: seen.join('') }),
  };
}

/**
 * A Stainless-like `Stream`. Its iterator does not reference the stream (an SDK's async generator holds its receiver,
 * but other iterators, such as a tee branch's, do not).
 */
function sdkStream(chunks: string[]) {
  async function* read() {
    for (const chunk of chunks) yield chunk;
  }
  return {
    iterator: () => read(),
    [Symbol.asyncIterator]() {
      return this.iterator();
    },
  };
}

/** Observes a stream nobody will hold once this returns (the app dropped it unread). */
function dropUnreadStream() {
  const r = recorder();
  observeSdkStream(sdkStream(['o1']), r.completion, accumulator(), 'test');
  return r;
}

/**
 * An openai v7-like `APIPromise`: lazy parsing, and `_thenUnwrap` children that parse through closures over the
 * request rather than through their parent.
 */
class FakeApiPromise {
  responsePromise: Promise<ResponseProps>;
  parseResponse: (client: unknown, props: ResponseProps) => unknown;
  private readonly request: Promise<ResponseProps>;
  private readonly parseBody: (props: ResponseProps) => unknown;

  constructor(request: Promise<ResponseProps>, parseBody: (props: ResponseProps) => unknown = () => 'body') {
    this.responsePromise = request;
    this.parseResponse = (_client, props) => parseBody(props);
    this.request = request;
    this.parseBody = parseBody;
  }

  parse(): Promise<unknown> {
    return this.responsePromise.then((props) => this.parseResponse(undefined, props));
  }

  asResponse(): Promise<unknown> {
    return this.responsePromise.then((props) => props.response);
  }

  _thenUnwrap(transform: (value: unknown) => unknown): FakeApiPromise {
    const { request, parseBody } = this;
    return new FakeApiPromise(request, (props) => transform(parseBody(props)));
  }
}

const collections = new FinalizationRegistry<() => void>((collected) => collected());

/** Whether `target` has been collected (and its finalizers had their turn). */
function collection(target: object): () => boolean {
  let collected = false;
  collections.register(target, () => (collected = true));
  return () => collected;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function observeCall(result: unknown) {
  const r = recorder();
  const parsed: unknown[] = [];
  observeSdkResult(result, r.completion, (value) => parsed.push(value), 'test');
  return { ...r, parsed };
}

describe('a response the app drops unread', () => {
  it('ends a never-iterated stream once it is collected, marked abandoned, as of when it was handed over', async () => {
    const before = performance.now();
    const { ends } = dropUnreadStream();
    const after = performance.now();
    await collectUntil(() => ends.length > 0);
    await sleep(20);
    assert.equal(ends.length, 1);
    assert.equal(ends[0]!.how, 'end');
    assert.deepEqual(ends[0]!.response, { attributes: { [ABANDONED]: true } }, 'no output is known');
    const endedAt = ends[0]!.endedAt!;
    assert.ok(endedAt >= before && endedAt <= after, 'ended as of the handover, not of the collection');
  });

  it('never ends a consumed stream a second time once it is collected', async () => {
    const consumed = recorder();
    await (async () => {
      const stream = sdkStream(['o1', 'o2']);
      observeSdkStream(stream, consumed.completion, accumulator(), 'test');
      for await (const _ of stream);
    })();
    const control = dropUnreadStream();
    await collectUntil(() => control.ends.length > 0);
    await sleep(20);
    assert.deepEqual(consumed.ends, [{ how: 'end', response: { responseId: 'o1o2' }, endedAt: undefined }]);
  });

  it('keeps a stream alive while the app iterates it through its iterator alone', async () => {
    const held = recorder();
    const iterator = (() => {
      const stream = sdkStream(['o1', 'o2']);
      observeSdkStream(stream, held.completion, accumulator(), 'test');
      return stream[Symbol.asyncIterator]();
    })();
    assert.deepEqual(await iterator.next(), { done: false, value: 'o1' });
    const control = dropUnreadStream();
    await collectUntil(() => control.ends.length > 0);
    assert.deepEqual(held.ends, [], 'the stream is still being read');
    assert.deepEqual(await iterator.next(), { done: false, value: 'o2' });
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
    assert.deepEqual(held.ends, [{ how: 'end', response: { responseId: 'o1o2' }, endedAt: undefined }]);
  });

  it('ends a stream whose iterator was dropped part-way with what was read', async () => {
    const partial = recorder();
    await (async () => {
      const stream = sdkStream(['o1', 'o2']);
      observeSdkStream(stream, partial.completion, accumulator(), 'test');
      await stream[Symbol.asyncIterator]().next();
    })();
    await collectUntil(() => partial.ends.length > 0);
    assert.equal(partial.ends.length, 1);
    assert.deepEqual(partial.ends[0]!.response, { responseId: 'o1', attributes: { [ABANDONED]: true } });
    assert.equal(partial.ends[0]!.endedAt, undefined, 'chunks may have come after the handover');
  });

  it('ends an APIPromise never awaited, as of when its response arrived', async () => {
    const response = deferred<ResponseProps>();
    let collected!: () => boolean;
    const call = (() => {
      const promise = new FakeApiPromise(response.promise);
      collected = collection(promise);
      return observeCall(promise);
    })();
    // Nothing holds the promise: it is collected before its response arrives, and ends the call once that does.
    await collectUntil(collected);
    await sleep(20);
    assert.equal(call.ends.length, 0, 'the request is still in flight');
    const before = performance.now();
    response.resolve({ response: { status: 200 } });
    await collectUntil(() => call.ends.length > 0);
    assert.equal(call.ends.length, 1);
    assert.deepEqual(call.ends[0]!.response, { attributes: { [ABANDONED]: true } });
    assert.ok(call.ends[0]!.endedAt! >= before);
    assert.deepEqual(call.parsed, []);
  });

  it('ends an APIPromise collected after its response arrived, as of the response', async () => {
    const call = observeCall(new FakeApiPromise(Promise.resolve({ response: { status: 200 } })));
    await sleep(5);
    const collectedFrom = performance.now();
    await collectUntil(() => call.ends.length > 0);
    assert.equal(call.ends.length, 1);
    assert.equal(call.ends[0]!.response?.attributes?.[ABANDONED], true);
    assert.ok(call.ends[0]!.endedAt! < collectedFrom, 'the response time, not the collection time');
  });

  it('keeps an APIPromise alive while the app holds only a child derived from it', async () => {
    const response = deferred<ResponseProps>();
    const held = recorder();
    const parsed: unknown[] = [];
    const child = (() => {
      const root = new FakeApiPromise(response.promise);
      observeSdkResult(root, held.completion, (value) => parsed.push(value), 'test');
      return root._thenUnwrap((value) => `unwrapped ${String(value)}`);
    })();
    response.resolve({ response: { status: 200 } });
    await sleep(5);
    const control = observeCall(new FakeApiPromise(Promise.resolve({ response: { status: 200 } })));
    await collectUntil(() => control.ends.length > 0);
    assert.deepEqual(held.ends, []);
    assert.equal(await child.parse(), 'unwrapped body');
    await collectUntil(() => parsed.length > 0);
    assert.deepEqual(parsed, ['body']);
    assert.deepEqual(held.ends, [], 'ending a parsed call is the instrumentation’s job, not abandonment’s');
  });

  it('leaves a raw response taken with asResponse() to the unparsed path', async () => {
    const response = deferred<ResponseProps>();
    const raw = recorder();
    let collected!: () => boolean;
    const taken = (() => {
      const promise = new FakeApiPromise(response.promise);
      collected = collection(promise);
      observeSdkResult(promise, raw.completion, () => undefined, 'test');
      return promise.asResponse();
    })();
    await collectUntil(collected);
    response.resolve({ response: { status: 200 } });
    assert.deepEqual(await taken, { status: 200 });
    await sleep(20);
    gc();
    await sleep(20);
    assert.deepEqual(raw.ends, [{ how: 'end', response: undefined, endedAt: undefined }]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { observeAsyncIterable, StreamEventObserver, type StreamCompletion } from '@llmtel/core';

/** A stream read through `[Symbol.asyncIterator]` only (as `cohere-ai`'s `Stream`), which may fail after its events. */
class EventStream {
  private readonly events: string[];
  private readonly failure: Error | undefined;
  constructor(events: string[], failure?: Error) {
    this.events = events;
    this.failure = failure;
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    for (const event of this.events) yield event;
    if (this.failure !== undefined) throw this.failure;
  }
}

/** Observes `stream` into `log`: `chunk` per output event, then how the call ended and what it had read. */
function observe(stream: object, log: string[]): boolean {
  let ended = false;
  const completion: StreamCompletion = {
    get ended() {
      return ended;
    },
    recordChunk: () => void log.push('chunk'),
    end(response) {
      ended = true;
      log.push(`end ${response?.responseId}`);
    },
    fail(error, partial) {
      ended = true;
      log.push(`fail ${(error as Error).message} ${partial?.responseId}`);
    },
  };
  const read: string[] = [];
  const accumulator = {
    // `x` events cannot be read; `o` events are output.
    add(event: unknown): boolean {
      if (event === 'x') throw new Error('unreadable');
      read.push(String(event));
      return String(event).startsWith('o');
    },
    response: () => ({ responseId: read.join('') }),
  };
  const classify = (error: unknown) => new Error(`seen as ${(error as Error).message}`);
  return observeAsyncIterable(stream, new StreamEventObserver(completion, accumulator, 'test', classify));
}

describe('observeAsyncIterable', () => {
  it('counts output events, hands every event on, and ends once when read to the end', async () => {
    const stream = new EventStream(['e1', 'o1', 'x', 'o2']);
    const log: string[] = [];
    assert.equal(observe(stream, log), true);
    const got: string[] = [];
    for await (const event of stream) got.push(event);
    assert.deepEqual(got, ['e1', 'o1', 'x', 'o2']);
    assert.deepEqual(log, ['chunk', 'chunk', 'end e1o1o2']);
    for await (const event of stream) got.push(event);
    assert.deepEqual(log, ['chunk', 'chunk', 'end e1o1o2'], 'a second iteration is not observed');
  });

  it("ends on the app's break; fails with the classified error while the app gets its own", async () => {
    const broken = new EventStream(['o1', 'o2']);
    const first: string[] = [];
    observe(broken, first);
    for await (const event of broken) if (event === 'o1') break;
    assert.deepEqual(first, ['chunk', 'end o1']);

    const failing = new EventStream(['o1'], new Error('reset'));
    const second: string[] = [];
    observe(failing, second);
    await assert.rejects(async () => {
      for await (const _ of failing);
    }, /^Error: reset$/);
    assert.deepEqual(second, ['chunk', 'fail seen as reset o1']);
  });

  it('leaves a value that is not async-iterable alone', () => {
    const log: string[] = [];
    const plain = { events: ['o1'] };
    assert.equal(observe(plain, log), false);
    assert.deepEqual(Object.getOwnPropertySymbols(plain), []);
    assert.deepEqual(log, []);
  });
});

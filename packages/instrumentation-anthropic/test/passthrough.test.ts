import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadFixtures, type Fixture } from '@llmtel/test-utils';
import {
  collect,
  LLMTEL_SCOPE,
  requestBodyOf,
  setup,
  spansOfScope,
  type AnthropicClient,
  type Harness,
} from './helpers.ts';

interface Seen {
  /** What the app got: the parsed message, every streamed event, or the error. */
  output: string;
  /** The request body bytes the provider received. */
  request: Buffer;
  /** The request header names the provider received. */
  headers: string[];
}

function describeError(error: unknown): string {
  const e = error as { constructor: { name: string }; status?: number; message: string; error?: unknown };
  return `${e.constructor.name} ${e.status} ${e.message} ${JSON.stringify(e.error)}`;
}

describe('the app gets exactly what it gets without llmtel', () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(() => h.close());

  async function create(client: AnthropicClient, fixture: Fixture): Promise<Seen> {
    h.fake.enqueue(fixture);
    let output: string;
    try {
      const result = await client.messages.create(requestBodyOf(fixture) as never);
      output = fixture.stream
        ? JSON.stringify(await collect(result as unknown as AsyncIterable<unknown>))
        : JSON.stringify(result) + String((result as { _request_id?: unknown })._request_id);
    } catch (error) {
      output = describeError(error);
    }
    return seen(output);
  }

  async function helper(client: AnthropicClient, fixture: Fixture): Promise<Seen> {
    h.fake.enqueue(fixture);
    const body = requestBodyOf(fixture);
    delete body.stream;
    const events: unknown[] = [];
    const stream = client.messages.stream(body as never);
    stream.on('streamEvent', (event) => events.push(event));
    const message = await stream.finalMessage();
    return seen(JSON.stringify([events, message, stream.request_id]));
  }

  function seen(output: string): Seen {
    const request = h.fake.requests.at(-1)!;
    return { output, request: request.rawBody, headers: Object.keys(request.headers).sort() };
  }

  /** Runs `call` instrumented, then with the instrumentation disabled, and checks llmtel made a span only once. */
  async function both(call: () => Promise<Seen>): Promise<[Seen, Seen]> {
    h.reset();
    const instrumented = await call();
    await h.waitForSpans(1);
    assert.equal(spansOfScope(h.spans(), LLMTEL_SCOPE).length, 1);
    h.instrumentation.disable();
    try {
      h.reset();
      const plain = await call();
      assert.equal(spansOfScope(h.spans(), LLMTEL_SCOPE).length, 0, 'the second run was not instrumented');
      return [instrumented, plain];
    } finally {
      h.instrumentation.enable();
    }
  }

  for (const fixture of loadFixtures('anthropic')) {
    for (const native of [true, false]) {
      it(`${fixture.name} (SDK tracing ${native ? 'on' : 'off'}): same result, same request bytes`, async () => {
        const [instrumented, plain] = await both(() =>
          create(h.client(native ? {} : { openTelemetry: false }), fixture),
        );
        assert.equal(instrumented.output, plain.output);
        assert.ok(instrumented.request.equals(plain.request), 'the request body is sent unchanged');
        assert.deepEqual(instrumented.headers, plain.headers);
      });
    }
  }

  it('messages.stream(): same events, same final message, same request bytes', async () => {
    const fixture = loadFixtures('anthropic').find((f) => f.name === 'reasoning-tool-use-streaming')!;
    const [instrumented, plain] = await both(() => helper(h.client(), fixture));
    assert.equal(instrumented.output, plain.output);
    assert.ok(instrumented.request.equals(plain.request));
  });
});

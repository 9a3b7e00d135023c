import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadFixture, startFakeProvider, splitSseEvents, type FakeProvider, type Fixture } from '@llmtel/test-utils';

function post(provider: FakeProvider, fixture: Fixture, init: RequestInit = {}): Promise<Response> {
  const query = fixture.request.query === undefined ? '' : `?${fixture.request.query}`;
  return fetch(`${provider.url}${fixture.request.path}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fixture.request.body),
    ...init,
  });
}

function rawRequest(port: number, method: string, path: string, body: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.end(
      `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}

/** The chunks of an HTTP/1.1 chunked body (https://www.rfc-editor.org/rfc/rfc9112#section-7.1), in order. */
function decodeChunked(body: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    assert.ok(lineEnd > offset, 'malformed chunked body');
    const size = parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16);
    if (size === 0) return chunks;
    chunks.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

/** Polls a condition that depends on the server noticing a socket event; bounded. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

void describe('startFakeProvider', () => {
  let provider: FakeProvider;
  before(async () => {
    provider = await startFakeProvider();
  });
  after(() => provider.close());

  void it('replays a recorded non-stream response byte for byte and records the request', async () => {
    const fixture = loadFixture('openai', 'chat-completions-adds-genai-conventions');
    provider.enqueue(fixture);
    const res = await post(provider, fixture, { headers: { 'content-type': 'application/json', 'x-test': 'one' } });
    assert.equal(res.status, 200);
    for (const [name, value] of Object.entries(fixture.response.headers)) assert.equal(res.headers.get(name), value);
    assert.equal(await res.text(), JSON.stringify(fixture.response.body));

    const received = provider.requests.at(-1);
    assert.ok(received);
    assert.equal(received.method, 'POST');
    assert.equal(received.path, '/v1/chat/completions');
    assert.equal(received.headers['x-test'], 'one');
    assert.deepEqual(received.body, fixture.request.body);
    assert.equal(received.fixture, fixture);
    assert.equal(provider.pendingCount(), 0);
  });

  void it('replays a recorded SSE stream byte for byte', async () => {
    const fixture = loadFixture('openai', 'streaming-chat-completions-records-usage');
    provider.enqueue(fixture);
    const res = await post(provider, fixture);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(res.headers.get('x-request-id'), fixture.response.headers['x-request-id']);
    assert.equal(await res.text(), fixture.response.sse);
  });

  void it('replays a query-string SSE stream and records the query', async () => {
    const fixture = loadFixture('gcp.vertex_ai', 'streaming-logcontent-sync');
    provider.enqueue(fixture);
    const res = await post(provider, fixture);
    assert.equal(Buffer.from(await res.arrayBuffer()).toString('utf8'), fixture.response.sse);
    assert.equal(provider.requests.at(-1)?.query, 'alt=sse');
  });

  void it('replays a binary event stream byte for byte, keeping percent-encoded paths', async () => {
    const fixture = loadFixture('aws.bedrock', 'invoke-model-with-response-stream-claude-2');
    assert.match(fixture.request.path, /%3A/);
    provider.enqueue(fixture);
    const res = await post(provider, fixture);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.amazon.eventstream');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), Buffer.from(fixture.response.base64 ?? '', 'base64'));
    assert.equal(provider.requests.at(-1)?.path, fixture.request.path);
  });

  void it('replays recorded error statuses', async () => {
    const fixture = loadFixture('openai', 'chat-completion-404');
    provider.enqueue(fixture);
    const res = await post(provider, fixture);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), fixture.response.body);
  });

  void it('answers 500 with a JSON error when no fixture is enqueued', async () => {
    const res = await fetch(`${provider.url}/v1/embeddings`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('x-should-retry'), 'false');
    const body = (await res.json()) as { error: { message: string; type: string } };
    assert.equal(body.error.type, 'fake_provider_queue_empty');
    assert.match(body.error.message, /no fixture enqueued for POST \/v1\/embeddings/);
  });

  void it('answers 400 naming both paths when the request path differs from the fixture', async () => {
    const fixture = loadFixture('openai', 'embeddings-adds-genai-conventions');
    provider.enqueue(fixture);
    const res = await fetch(`${provider.url}/chat/completions`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { message: string } };
    assert.match(body.error.message, /\/chat\/completions/);
    assert.match(body.error.message, /\/v1\/embeddings/);
  });
});

void describe('startFakeProvider streaming', () => {
  void it('survives a client abort mid-stream and keeps serving', async () => {
    const provider = await startFakeProvider({ chunkDelayMs: 30 });
    try {
      const fixture = loadFixture('openai', 'streaming-chat-completions-adds-genai-conventions');
      const events = splitSseEvents(fixture.response.sse ?? '');
      assert.ok(events.length > 3);
      provider.enqueue(fixture);
      const controller = new AbortController();
      const res = await post(provider, fixture, { signal: controller.signal });
      const reader = res.body!.getReader();
      const first = await reader.read();
      assert.equal(first.done, false);
      assert.ok(fixture.response.sse?.startsWith(Buffer.from(first.value).toString('utf8')));
      controller.abort();
      await assert.rejects(reader.read(), { name: 'AbortError' });
      await eventually(() => provider.requests[0]?.aborted === true, 'the server to see the abort');

      const next = loadFixture('openai', 'chat-completions-adds-genai-conventions');
      provider.enqueue(next);
      const again = await post(provider, next);
      assert.equal(await again.text(), JSON.stringify(next.response.body));
      assert.equal(provider.requests[1]?.aborted, false);
    } finally {
      await provider.close();
    }
  });

  void it('writes the stream one SSE event (one HTTP chunk) at a time', async () => {
    // Read the raw socket so the chunked transfer framing shows each server write, whatever the timing.
    const provider = await startFakeProvider();
    try {
      const fixture = loadFixture('openai', 'streaming-chat-completions-records-usage');
      provider.enqueue(fixture);
      const raw = await rawRequest(provider.port, 'POST', fixture.request.path, JSON.stringify(fixture.request.body));
      const head = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');
      assert.match(head, /^transfer-encoding: chunked$/im);
      assert.deepEqual(
        decodeChunked(raw.subarray(raw.indexOf('\r\n\r\n') + 4)).map((c) => c.toString('utf8')),
        splitSseEvents(fixture.response.sse ?? ''),
      );
    } finally {
      await provider.close();
    }
  });
});

void describe('splitSseEvents', () => {
  void it('cuts after blank lines without altering bytes', () => {
    const text = 'event: a\ndata: 1\n\ndata: 2\r\n\r\n: comment\r\rdata: 3\n\ndata: tail';
    const pieces = splitSseEvents(text);
    assert.deepEqual(pieces, [
      'event: a\ndata: 1\n\n',
      'data: 2\r\n\r\n',
      ': comment\r\r',
      'data: 3\n\n',
      'data: tail',
    ]);
    assert.equal(pieces.join(''), text);
  });

  void it('splits every recorded SSE fixture into whole events', () => {
    for (const [provider, name] of [
      ['openai', 'responses-create-streaming'],
      ['anthropic', 'thinking-streaming'],
      ['gcp.vertex_ai', 'streaming-excludecontent-sync'],
    ] as const) {
      const sse = loadFixture(provider, name).response.sse ?? '';
      const pieces = splitSseEvents(sse);
      assert.equal(pieces.join(''), sse);
      assert.ok(pieces.length > 2, `${provider}/${name}`);
      for (const p of pieces) assert.match(p, /(\r\n|\r|\n)(\r\n|\r|\n)$/, `${provider}/${name}`);
    }
  });
});

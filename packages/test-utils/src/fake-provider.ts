import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Fixture } from './fixtures.js';
import { delay, splitBinaryStream, splitSseEvents } from './utils.js';

/** Options for {@link startFakeProvider}. */
export interface FakeProviderOptions {
  /**
   * Pause before each piece of a streamed (`sse` / `base64`) response, after the headers are sent. Lets a test observe
   * time to first chunk or abort mid-stream. Default 0 (pieces are still written separately).
   */
  chunkDelayMs?: number;
  /**
   * Answer 400 when the received request path differs from the next fixture's `request.path` (catches wrong-endpoint
   * bugs). Default true.
   */
  match?: boolean;
  /** Fixtures to enqueue at start. */
  fixtures?: Fixture[];
}

/** A request as received by the fake provider. */
export interface ReceivedRequest {
  method: string;
  /** URL path, percent-encoding kept. */
  path: string;
  /** Query string without `?`; `''` when none. */
  query: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; null when the body is empty or not JSON. */
  body: unknown;
  /** The exact request body bytes. */
  rawBody: Buffer;
  /** The fixture that answered it, if any. */
  fixture: Fixture | undefined;
  /** Set to true when the client went away before the response was fully written. */
  aborted: boolean;
}

/** A running fake provider; see {@link startFakeProvider}. */
export interface FakeProvider {
  /** `http://127.0.0.1:<port>` (no trailing slash); point an SDK's base URL at it, e.g. `${url}/v1` for OpenAI. */
  url: string;
  port: number;
  /** Appends fixtures to the answer queue; each request consumes the next one. */
  enqueue(...fixtures: Fixture[]): void;
  /** How many enqueued fixtures have not been used yet. */
  pendingCount(): number;
  /** Every received request, in arrival order (live array). */
  requests: ReceivedRequest[];
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

function errorBody(type: string, message: string): string {
  // OpenAI/Anthropic-shaped so SDKs surface the message in the thrown error.
  return JSON.stringify({ error: { type, message: `llmtel fake provider: ${message}` } });
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  const body = errorBody(type, message);
  // x-should-retry stops OpenAI/Anthropic SDKs from retrying an answer that will not change.
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-should-retry': 'false',
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return null;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
}

async function writePieces(
  res: ServerResponse,
  pieces: (string | Buffer)[],
  delayMs: number,
  gone: AbortSignal,
): Promise<void> {
  res.flushHeaders();
  for (const piece of pieces) {
    if (delayMs > 0) await delay(delayMs, gone);
    if (gone.aborted) return;
    if (!res.write(piece)) {
      await new Promise<void>((resolve) => {
        res.once('drain', resolve);
        gone.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }
  if (!gone.aborted) res.end();
}

async function replay(res: ServerResponse, fixture: Fixture, delayMs: number, gone: AbortSignal): Promise<void> {
  const { status, headers, body, sse, base64, text } = fixture.response;
  // The recorded headers only: Node's own `Date` would differ between two replays that straddle a second.
  res.sendDate = false;
  if (sse !== undefined) {
    res.writeHead(status, { 'content-type': 'text/event-stream', ...headers });
    await writePieces(res, splitSseEvents(sse), delayMs, gone);
  } else if (base64 !== undefined) {
    res.writeHead(status, { 'content-type': 'application/octet-stream', ...headers });
    await writePieces(res, splitBinaryStream(Buffer.from(base64, 'base64')), delayMs, gone);
  } else {
    const payload = text ?? (body === undefined ? '' : JSON.stringify(body));
    const contentType = text !== undefined ? 'text/plain' : 'application/json';
    res.writeHead(status, { 'content-type': contentType, ...headers, 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  }
}

/**
 * Starts a loopback HTTP server (127.0.0.1, random port) that plays the role of an LLM provider API.
 *
 * Each request is answered with the next enqueued fixture's response: its status, its headers, then the body
 * byte-exact (`body` as `JSON.stringify(body)`, `sse` text written one SSE event at a time, `base64` bytes written one
 * event-stream message at a time). When the queue is empty the answer is 500 with a JSON error saying so; with `match`
 * (default) a request whose path differs from the fixture's `request.path` gets 400 naming both. Error answers carry
 * `x-should-retry: false` so SDKs fail fast instead of retrying. A client that disconnects mid-stream just stops the
 * writing (`aborted` is set on its {@link ReceivedRequest}).
 */
export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const queue: Fixture[] = [...(options.fixtures ?? [])];
  const requests: ReceivedRequest[] = [];
  const delayMs = options.chunkDelayMs ?? 0;
  const match = options.match ?? true;

  const server = createServer((req, res) => {
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    req.on('error', () => gone.abort());
    void handle(req, res, gone.signal).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'fake_provider_failure', String(err));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, gone: AbortSignal): Promise<void> {
    const rawBody = await readBody(req);
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const received: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: q === -1 ? target : target.slice(0, q),
      query: q === -1 ? '' : target.slice(q + 1),
      headers: req.headers,
      body: parseJson(rawBody),
      rawBody,
      fixture: undefined,
      aborted: false,
    };
    requests.push(received);
    gone.addEventListener('abort', () => (received.aborted = true), { once: true });

    const fixture = queue.shift();
    if (fixture === undefined) {
      sendError(
        res,
        500,
        'fake_provider_queue_empty',
        `no fixture enqueued for ${received.method} ${target} (unexpected request?)`,
      );
      return;
    }
    received.fixture = fixture;
    if (match && fixture.request.path !== received.path) {
      sendError(
        res,
        400,
        'fake_provider_path_mismatch',
        `request path ${received.path} does not match fixture ${fixture.name ?? fixture.source} path ${fixture.request.path}`,
      );
      return;
    }
    await replay(res, fixture, delayMs, gone);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    enqueue: (...fixtures) => void queue.push(...fixtures),
    pendingCount: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

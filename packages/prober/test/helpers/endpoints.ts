import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { type Socket } from 'node:net';

/** A request as the loopback endpoint saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Remote port of the connection: equal ports mean a reused keep-alive connection. */
  remotePort: number;
}

/**
 * A loopback HTTP server that speaks like an LLM endpoint in different moods, chosen by path:
 * `/ok` 200 JSON, `/slow?ms=N` 200 after N ms, `/500`, `/429`, `/hang` (headers never sent), `/status/<code>`.
 * Every other path answers 200 as well, so a test can give each monitor its own path.
 */
export interface TestEndpoints {
  url: string;
  port: number;
  requests: SeenRequest[];
  /** Requests whose path starts with `prefix`. */
  hits(prefix: string): SeenRequest[];
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startEndpoints(): Promise<TestEndpoints> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        remotePort: req.socket.remotePort ?? 0,
      });
      const path = url.pathname;
      if (path === '/500') return json(res, 500, { error: { type: 'server_error', message: 'boom' } });
      if (path === '/429') return json(res, 429, { error: { type: 'rate_limit', message: 'slow down' } });
      if (path === '/hang') return; // never answers; the socket is destroyed on close()
      if (path.startsWith('/status/')) return json(res, Number(path.slice(8)), { status: Number(path.slice(8)) });
      if (path === '/slow') {
        const t = setTimeout(
          () => {
            timers.delete(t);
            json(res, 200, { id: 'chatcmpl-slow', object: 'chat.completion', choices: [] });
          },
          Number(url.searchParams.get('ms') ?? 200),
        );
        timers.add(t);
        return;
      }
      json(res, 200, { id: 'chatcmpl-ok', object: 'chat.completion', choices: [] });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    hits: (prefix) => requests.filter((r) => r.path.startsWith(prefix)),
    close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

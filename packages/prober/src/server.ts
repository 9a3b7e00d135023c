import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { STATUS_PAGE_CSS, STATUS_PAGE_HTML, STATUS_PAGE_JS } from './page/status-page.js';
import { isStatusPeriod } from './status.js';
import { type ProberLogger, type StatusPeriod, type StatusResponse } from './types.js';

/** What the HTTP server needs from the prober. */
export interface StatusSource {
  status(period: StatusPeriod, filter: { provider?: string; service?: string }): Promise<StatusResponse>;
  /** Number of configured monitors. */
  monitorCount(): number;
  /** Resolves when Redis answers. */
  ping(): Promise<unknown>;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const STATIC: Record<string, { type: string; body: string }> = {
  '/': { type: 'text/html; charset=utf-8', body: STATUS_PAGE_HTML },
  '/status.css': { type: 'text/css; charset=utf-8', body: STATUS_PAGE_CSS },
  '/status.js': { type: 'text/javascript; charset=utf-8', body: STATUS_PAGE_JS },
};

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
    ...(type.startsWith('text/html')
      ? { 'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'" }
      : {}),
  });
  res.end(head ? undefined : body);
}

function sendJson(res: ServerResponse, status: number, value: unknown, head: boolean): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), head);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms}ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, source: StatusSource): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    res.setHeader('allow', 'GET, HEAD');
    sendJson(res, 405, { error: 'method not allowed' }, false);
    return;
  }
  const page = STATIC[url.pathname];
  if (page !== undefined) {
    send(res, 200, page.type, page.body, head);
    return;
  }
  if (url.pathname === '/health') {
    let redis = 'ok';
    try {
      await withTimeout(source.ping(), 1000);
    } catch {
      redis = 'unavailable';
    }
    // 200 even without Redis: probing and metrics still work, only the history is missing.
    sendJson(res, 200, { status: 'ok', redis, monitors: source.monitorCount() }, head);
    return;
  }
  if (url.pathname === '/api/status') {
    const period = url.searchParams.get('period') ?? '24h';
    if (!isStatusPeriod(period)) {
      sendJson(res, 400, { error: 'period must be one of 24h, 7d, 30d' }, head);
      return;
    }
    const filter: { provider?: string; service?: string } = {};
    const provider = url.searchParams.get('provider');
    const service = url.searchParams.get('service');
    if (provider) filter.provider = provider;
    if (service) filter.service = service;
    try {
      sendJson(res, 200, await withTimeout(source.status(period, filter), 10_000), head);
    } catch (err) {
      sendJson(res, 503, { error: `history unavailable: ${(err as Error).message}` }, head);
    }
    return;
  }
  sendJson(res, 404, { error: 'not found' }, head);
}

/**
 * The prober's HTTP server: the status page at `/`, `GET /api/status?period=24h|7d|30d&provider=&service=` and
 * `GET /health`.
 */
export function createStatusServer(source: StatusSource, logger: ProberLogger): Server {
  const server = createServer((req, res) => {
    handle(req, res, source).catch((err: unknown) => {
      logger.error(`request ${req.method} ${req.url?.split('?')[0]} failed: ${(err as Error).message}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' }, false);
      else res.destroy();
    });
  });
  // Keep-alive sockets of the status page must not hold a shutdown open for long.
  server.keepAliveTimeout = 5000;
  return server;
}

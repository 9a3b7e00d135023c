import {
  Server,
  ServerCredentials,
  status as grpcStatus,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  decodeProtobufRequest,
  ExportMetricsServiceRequest,
  ExportTraceServiceRequest,
  METRICS_EXPORT_PATH,
  TRACE_EXPORT_PATH,
} from './otlp-proto.js';
import { normalizeMetrics, normalizeTraces } from './otlp-normalize.js';
import { type OtlpTransport, type ReceivedMetric, type ReceivedOtlpRequest, type ReceivedSpan } from './otlp-types.js';

/** What {@link OtlpReceiver.waitFor} predicates see. */
export interface OtlpReceived {
  spans: ReceivedSpan[];
  metrics: ReceivedMetric[];
}

/** A running in-test OTLP receiver; see {@link startOtlpReceiver}. */
export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>` for OTLP/gRPC (insecure). */
  grpcEndpoint: string;
  /** `http://127.0.0.1:<port>` for OTLP/HTTP; exporters append `/v1/traces` or `/v1/metrics`. */
  httpEndpoint: string;
  /** Every span received so far, in arrival order. */
  spans(): ReceivedSpan[];
  /** Every metric received so far, in arrival order (a metric exported N times appears N times). */
  metrics(): ReceivedMetric[];
  /**
   * Every export request body received (gzip undone), as a live array: for checks such as "no prompt text anywhere in
   * the exported data" (`rawBodies.some((b) => b.includes('secret'))`).
   */
  rawBodies: Buffer[];
  /** Every export request with its signal, transport and headers (live array). */
  requests: ReceivedOtlpRequest[];
  /**
   * Resolves with everything received once `predicate` returns true; it is checked now and after every export. A
   * predicate that throws counts as false (so it may use assertions), and its last error is reported on timeout.
   * Rejects after `timeoutMs` (default 10000) with a summary of what did arrive.
   */
  waitFor(predicate: (received: OtlpReceived) => boolean, timeoutMs?: number): Promise<OtlpReceived>;
  /** Forgets everything received so far. */
  clear(): void;
  /** Stops both servers. */
  close(): Promise<void>;
}

type Signal = 'traces' | 'metrics';

/** Passes raw message bytes through, so the receiver keeps the exact payload and decodes it itself. */
function rawMethod(path: string): ServiceDefinition[string] {
  const identity = (b: Buffer): Buffer => b;
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
    originalName: 'export',
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Starts an OTLP receiver on loopback for tests: OTLP/gRPC (`TraceService/Export`, `MetricsService/Export`) on one
 * port and OTLP/HTTP (`POST /v1/traces`, `/v1/metrics`; `application/x-protobuf` or `application/json`, optionally
 * gzip) on another. Exports are decoded and flattened into {@link ReceivedSpan}s and {@link ReceivedMetric}s and
 * answered with a success response as the OTLP spec describes (https://opentelemetry.io/docs/specs/otlp/).
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  const rawBodies: Buffer[] = [];
  const requests: ReceivedOtlpRequest[] = [];
  const decodeErrors: string[] = [];
  const listeners = new Set<() => void>();

  function ingest(
    signal: Signal,
    transport: OtlpTransport,
    headers: ReceivedOtlpRequest['headers'],
    body: Buffer,
  ): string | undefined {
    requests.push({ signal, transport, headers, body });
    rawBodies.push(body);
    try {
      let decoded: Record<string, unknown>;
      if (transport === 'http/json') {
        decoded = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } else {
        decoded = decodeProtobufRequest(
          signal === 'traces' ? ExportTraceServiceRequest : ExportMetricsServiceRequest,
          body,
        );
      }
      if (signal === 'traces') spans.push(...normalizeTraces(decoded, transport));
      else metrics.push(...normalizeMetrics(decoded, transport));
      return undefined;
    } catch (err) {
      const message = `${signal} over ${transport}: ${err instanceof Error ? err.message : String(err)}`;
      decodeErrors.push(message);
      return message;
    } finally {
      for (const listener of [...listeners]) listener();
    }
  }

  const grpcServer = new Server();
  const grpcHandler =
    (signal: Signal) =>
    (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(call.metadata.getMap()))
        headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
      const error = ingest(signal, 'grpc', headers, call.request);
      if (error === undefined) callback(null, Buffer.alloc(0));
      else callback({ code: grpcStatus.INVALID_ARGUMENT, details: error });
    };
  grpcServer.addService({ Export: rawMethod(TRACE_EXPORT_PATH) }, { Export: grpcHandler('traces') });
  grpcServer.addService({ Export: rawMethod(METRICS_EXPORT_PATH) }, { Export: grpcHandler('metrics') });
  const grpcPort = await new Promise<number>((resolve, reject) => {
    grpcServer.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    );
  });

  const httpServer = createServer((req, res) => {
    void handleHttp(req, res).catch((err: unknown) => {
      if (!res.headersSent) reply(res, 500, 'text/plain', String(err));
    });
  });
  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const signal: Signal | undefined =
      path === '/v1/traces' ? 'traces' : path === '/v1/metrics' ? 'metrics' : undefined;
    let body = await readBody(req);
    if (signal === undefined) return reply(res, 404, 'text/plain', `no OTLP endpoint at ${path}`);
    if (req.method !== 'POST') return reply(res, 405, 'text/plain', 'OTLP/HTTP takes POST');
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    const transport: OtlpTransport | undefined =
      contentType === 'application/x-protobuf'
        ? 'http/protobuf'
        : contentType === 'application/json'
          ? 'http/json'
          : undefined;
    if (transport === undefined) return reply(res, 415, 'text/plain', `unsupported content-type ${contentType}`);
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding === 'gzip') body = gunzipSync(body);
    else if (encoding !== 'identity') return reply(res, 415, 'text/plain', `unsupported content-encoding ${encoding}`);

    const headers: ReceivedOtlpRequest['headers'] = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = v;
    const error = ingest(signal, transport, headers, body);
    if (error !== undefined) return reply(res, 400, 'text/plain', error);
    // An empty Export*ServiceResponse: zero bytes in protobuf, `{}` in JSON.
    if (transport === 'http/json') reply(res, 200, 'application/json', '{}');
    else reply(res, 200, 'application/x-protobuf', Buffer.alloc(0));
  }
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', () => resolve());
  });
  const httpPort = (httpServer.address() as AddressInfo).port;

  const snapshot = (): OtlpReceived => ({ spans: [...spans], metrics: [...metrics] });

  function waitFor(predicate: (received: OtlpReceived) => boolean, timeoutMs = 10_000): Promise<OtlpReceived> {
    return new Promise((resolve, reject) => {
      let lastError: unknown;
      const check = (): boolean => {
        try {
          if (!predicate(snapshot())) return false;
        } catch (err) {
          lastError = err;
          return false;
        }
        listeners.delete(listener);
        clearTimeout(timer);
        resolve(snapshot());
        return true;
      };
      const listener = (): void => void check();
      const timer = setTimeout(() => {
        listeners.delete(listener);
        const names = (xs: { name: string }[]): string => [...new Set(xs.map((x) => x.name))].join(', ') || 'none';
        const details = [
          `spans: ${names(spans)}`,
          `metrics: ${names(metrics)}`,
          decodeErrors.length > 0 ? `decode errors: ${decodeErrors.join('; ')}` : '',
          lastError !== undefined
            ? `last predicate error: ${lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : JSON.stringify(lastError)}`
            : '',
        ].filter(Boolean);
        reject(new Error(`OTLP receiver: waitFor timed out after ${timeoutMs} ms; received ${details.join('; ')}`));
      }, timeoutMs);
      listeners.add(listener);
      check();
    });
  }

  return {
    grpcEndpoint: `http://127.0.0.1:${grpcPort}`,
    httpEndpoint: `http://127.0.0.1:${httpPort}`,
    spans: () => [...spans],
    metrics: () => [...metrics],
    rawBodies,
    requests,
    waitFor,
    clear: () => {
      spans.length = 0;
      metrics.length = 0;
      rawBodies.length = 0;
      requests.length = 0;
      decodeErrors.length = 0;
    },
    close: async () => {
      grpcServer.forceShutdown();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
    },
  };
}

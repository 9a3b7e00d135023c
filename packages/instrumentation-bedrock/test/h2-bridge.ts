import { Agent, request as requestH1 } from 'node:http';
import { constants, createServer, type Http2Session, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';

/** An HTTP/2 (cleartext, prior knowledge) front for an HTTP/1.1 server; see {@link startH2Bridge}. */
export interface H2Bridge {
  /** `http://127.0.0.1:<port>`: the endpoint to give the SDK. */
  url: string;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

/**
 * The Bedrock Runtime client of SDK >= 3.7xx talks HTTP/2 (its default `NodeHttp2Handler`), the fake provider
 * HTTP/1.1. This loopback bridge forwards each HTTP/2 stream to the fake provider and writes the response back piece
 * by piece as it arrives (so event-stream messages keep arriving one at a time), and closing the HTTP/2 stream (an
 * app's abort) aborts the upstream request, which the fake provider records. The SDK thus runs with its default
 * transport, unchanged.
 */
export async function startH2Bridge(upstream: string): Promise<H2Bridge> {
  const target = new URL(upstream);
  const sessions = new Set<Http2Session>();
  const sockets = new Set<Socket>();
  const agent = new Agent({ keepAlive: false });
  const server = createServer();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers: IncomingHttpHeaders) => {
    const forwarded: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (!name.startsWith(':') && value !== undefined) forwarded[name] = value;
    }
    const upstreamRequest = requestH1(
      {
        host: target.hostname,
        port: target.port,
        agent,
        method: headers[':method'],
        path: headers[':path'],
        headers: forwarded,
      },
      (response) => {
        const out: Record<string, string | string[] | number> = { ':status': response.statusCode ?? 502 };
        for (const [name, value] of Object.entries(response.headers)) {
          if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
        }
        if (stream.closed) return;
        stream.respond(out);
        response.on('data', (piece: Buffer) => {
          if (!stream.closed) stream.write(piece);
        });
        response.on('end', () => {
          if (!stream.closed) stream.end();
        });
        response.on('error', () => stream.close(constants.NGHTTP2_INTERNAL_ERROR));
      },
    );
    upstreamRequest.on('error', () => {
      if (!stream.closed) stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    });
    stream.on('close', () => {
      if (!upstreamRequest.writableFinished || !stream.writableFinished) upstreamRequest.destroy();
    });
    stream.pipe(upstreamRequest);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      }),
  };
}

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { PROBE_ERROR_TYPES } from './semconv.js';
import { PROBE_STATUS, type MonitorConfig, type ProbeResult } from './types.js';
import { classifyHttp, errorTypeOf } from './utils.js';

/** The keep-alive connection pools every probe shares, so a probe measures the endpoint, not a TLS handshake. */
export interface ProbeAgents {
  http: HttpAgent;
  https: HttpsAgent;
  destroy(): void;
}

export function createProbeAgents(maxSockets: number): ProbeAgents {
  const options = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const };
  const http = new HttpAgent(options);
  const https = new HttpsAgent(options);
  return {
    http,
    https,
    destroy() {
      http.destroy();
      https.destroy();
    },
  };
}

class ProbeTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(ms: number) {
    super(`probe timed out after ${ms}ms`);
  }
}

interface Attempt {
  httpStatus?: number;
  error?: unknown;
  reusedSocket: boolean;
}

function attempt(monitor: MonitorConfig, agents: ProbeAgents, deadline: number): Promise<Attempt> {
  return new Promise((resolvePromise) => {
    const url = new URL(monitor.url);
    const isHttps = url.protocol === 'https:';
    const headers: Record<string, string | number> = { 'user-agent': 'llmtel-prober', ...monitor.headers };
    if (monitor.body !== undefined) headers['content-length'] = Buffer.byteLength(monitor.body);
    let req: ClientRequest;
    try {
      const send = isHttps ? httpsRequest : httpRequest;
      req = send(url, { method: monitor.method, headers, agent: isHttps ? agents.https : agents.http });
    } catch (error) {
      // Thrown synchronously for a header value Node refuses; the message names the header, never its value.
      resolvePromise({ error, reusedSocket: false });
      return;
    }
    let settled = false;
    const remaining = Math.max(0, deadline - performance.now());
    const timer = setTimeout(() => {
      const error = new ProbeTimeoutError(Math.round(remaining));
      req.destroy(error);
      finish({ error, reusedSocket: false });
    }, remaining);
    function finish(result: Attempt): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise(result);
    }
    req.on('response', (res: IncomingMessage) => {
      // The probe's latency includes the whole body: for an LLM call the answer is the body.
      res.on('data', () => {});
      res.on('end', () => finish({ httpStatus: res.statusCode ?? 0, reusedSocket: false }));
      res.on('error', (error) => finish({ error, reusedSocket: false }));
      res.on('aborted', () =>
        finish({ error: Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), reusedSocket: false }),
      );
    });
    req.on('error', (error) => finish({ error, reusedSocket: req.reusedSocket }));
    req.end(monitor.body);
  });
}

/**
 * Runs one probe and classifies it. Never throws: every failure becomes a red (or yellow) result.
 * `now` gives the result's wall-clock timestamp; latency is measured on the monotonic clock.
 */
export async function runProbe(monitor: MonitorConfig, agents: ProbeAgents, now: () => number): Promise<ProbeResult> {
  const timestamp = now();
  const start = performance.now();
  const deadline = start + monitor.timeoutMs;
  let outcome = await attempt(monitor, agents, deadline);
  // A pooled connection the server already closed fails with ECONNRESET as soon as it is reused; that says nothing
  // about the endpoint, so retry once on a fresh connection (https://nodejs.org/api/http.html#requestreusedsocket).
  if (
    outcome.error !== undefined &&
    outcome.reusedSocket &&
    errorTypeOf(outcome.error) === PROBE_ERROR_TYPES.CONNECTION_RESET
  ) {
    outcome = await attempt(monitor, agents, deadline);
  }
  const latencyMs = Math.round(performance.now() - start);
  const base = { provider: monitor.provider, service: monitor.service, latencyMs, timestamp };
  if (outcome.httpStatus !== undefined) {
    const status = classifyHttp(outcome.httpStatus, latencyMs, monitor.slowThresholdMs);
    const result: ProbeResult = { ...base, status, httpStatus: outcome.httpStatus };
    if (outcome.httpStatus < 200 || outcome.httpStatus >= 300) result.errorType = String(outcome.httpStatus);
    return result;
  }
  return { ...base, status: PROBE_STATUS.RED, errorType: errorTypeOf(outcome.error) };
}

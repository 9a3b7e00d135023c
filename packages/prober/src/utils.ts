import { PROBE_ERROR_TYPES } from './semconv.js';
import { PROBE_STATUS, type ProbeStatus } from './types.js';

/**
 * HTTP answers that mean "up but not healthy right now": rate limited or asked to retry. They are yellow, not red,
 * because the endpoint answered and the next probe will likely pass.
 */
const TRANSIENT_HTTP_STATUSES = new Set([408, 425, 429]);

/** Classifies an answered probe: 2xx within the threshold is green, slow 2xx or a transient status is yellow. */
export function classifyHttp(httpStatus: number, latencyMs: number, slowThresholdMs: number): ProbeStatus {
  if (httpStatus >= 200 && httpStatus < 300)
    return latencyMs > slowThresholdMs ? PROBE_STATUS.YELLOW : PROBE_STATUS.GREEN;
  return TRANSIENT_HTTP_STATUSES.has(httpStatus) ? PROBE_STATUS.YELLOW : PROBE_STATUS.RED;
}

/** Maps a transport error (no HTTP answer) to a low-cardinality `error.type`. */
export function errorTypeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return PROBE_ERROR_TYPES.OTHER;
  if (code === 'ECONNREFUSED') return PROBE_ERROR_TYPES.CONNECTION_REFUSED;
  if (code === 'ECONNRESET' || code === 'EPIPE') return PROBE_ERROR_TYPES.CONNECTION_RESET;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return PROBE_ERROR_TYPES.DNS;
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return PROBE_ERROR_TYPES.TIMEOUT;
  if (
    code === 'EPROTO' ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('ERR_TLS_') ||
    code.includes('CERT') ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
  )
    return PROBE_ERROR_TYPES.TLS;
  return PROBE_ERROR_TYPES.OTHER;
}

/**
 * The URL as it may appear in spans and logs: no user info, every query value replaced, because keys are often
 * passed as `?key=` (https://opentelemetry.io/docs/specs/semconv/http/http-spans/ recommends redacting them).
 */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    for (const name of [...url.searchParams.keys()]) url.searchParams.set(name, 'REDACTED');
    return url.toString();
  } catch {
    return '[invalid url]';
  }
}

/** Secrets shorter than this are not redacted by substring: replacing every "ab" would garble logs and hide nothing. */
const MIN_SECRET_LENGTH = 4;

/** Replaces every occurrence of a secret in `text` with `[REDACTED]`. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    out = out.split(secret).join('[REDACTED]');
  }
  return out;
}

/** `MONITOR_<PROVIDER>_<SERVICE>_API_KEY`, upper case, anything but letters and digits turned into `_`. */
export function apiKeyEnvName(provider: string, service: string): string {
  const norm = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return `MONITOR_${norm(provider)}_${norm(service)}_API_KEY`;
}

/** Median of a list of numbers (mean of the two middle values for even lengths); null for an empty list. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `provider/service`, the monitor's name in logs and errors. */
export function monitorId(m: { provider: string; service: string }): string {
  return `${m.provider}/${m.service}`;
}

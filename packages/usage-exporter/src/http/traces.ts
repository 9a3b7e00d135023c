/**
 * The OTLP/HTTP trace receiver (https://opentelemetry.io/docs/specs/otlp/#otlphttp). A batch is acknowledged only
 * after Redis applied it; when Redis is unavailable the answer is 503 with `Retry-After`, which OTLP exporters treat
 * as retryable, so the collector's persistent queue keeps the data. Records carry idempotency ids, so a batch that
 * was applied but whose acknowledgement was lost is skipped as duplicates when it comes again.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { diag } from '@opentelemetry/api';
import type { UsageRecord } from '@llmtel/usage';
import { decodeTraceRequestJson } from '../otlp/decode-json.js';
import { decodeTraceRequestProtobuf } from '../otlp/decode-protobuf.js';
import { encodeExportTraceResponse, encodeStatus, type OtlpEncoding } from '../otlp/encode-response.js';
import { type DecodeOptions, OtlpDecodeError, type OtlpSpan } from '../otlp/types.js';
import type { ExporterMetrics } from '../metrics.js';
import { HttpError, readBody } from './body.js';
import { send } from './respond.js';

export interface SpanConversion {
  records: UsageRecord[];
  /** Spans that cannot be stored (bad ids, invalid usage values); reported back as OTLP partial success. */
  rejected: number;
  /** First rejection reason, for the partial-success error message. */
  rejectReason?: string;
}

export interface TracesHandlerDeps {
  maxBodyBytes: number;
  retryAfterSeconds: number;
  metrics: ExporterMetrics;
  decodeOptions: DecodeOptions;
  convert(spans: OtlpSpan[]): SpanConversion;
  /** Applies records to Redis; rejects when Redis did not confirm. */
  write(records: UsageRecord[]): Promise<{ applied: number; duplicates: number }>;
  /** True while shutting down: new batches are turned away with 503 so the sender retries elsewhere or later. */
  isClosing(): boolean;
}

const CONTENT_TYPES: Record<string, OtlpEncoding> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};

export async function handleTraces(
  req: IncomingMessage,
  res: ServerResponse,
  deps: TracesHandlerDeps,
): Promise<number> {
  const { metrics } = deps;
  if (req.method !== 'POST') {
    return fail(res, 'json', 405, 'use POST for /v1/traces', { Allow: 'POST' });
  }
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const encoding = CONTENT_TYPES[mediaType];
  if (!encoding) {
    return fail(
      res,
      'json',
      415,
      `unsupported Content-Type "${mediaType}"; use application/x-protobuf or application/json`,
      { Connection: 'close' },
    );
  }
  if (deps.isClosing()) {
    return fail(res, encoding, 503, 'shutting down', {
      'Retry-After': String(deps.retryAfterSeconds),
      Connection: 'close',
    });
  }

  let spans: OtlpSpan[];
  try {
    const body = await readBody(req, deps.maxBodyBytes);
    spans =
      encoding === 'protobuf'
        ? decodeTraceRequestProtobuf(body, deps.decodeOptions)
        : decodeTraceRequestJson(body, deps.decodeOptions);
  } catch (err) {
    if (err instanceof HttpError) {
      // An unread body rest stays on the socket; closing it is cheaper than draining up to the limit.
      return fail(res, encoding, err.status, err.message, err.status === 413 ? { Connection: 'close' } : {});
    }
    if (err instanceof OtlpDecodeError) return fail(res, encoding, 400, err.message);
    throw err;
  }

  metrics.spansReceived.inc(spans.length);
  const { records, rejected, rejectReason } = deps.convert(spans);
  if (records.length > 0) {
    try {
      const result = await deps.write(records);
      metrics.recordsWritten.inc(result.applied);
      metrics.duplicatesSkipped.inc(result.duplicates);
    } catch (err) {
      metrics.spansRejected.inc(spans.length - rejected, { reason: 'unavailable' });
      diag.warn(`llmtel-usage-exporter: storing ${records.length} usage records failed: ${(err as Error).message}`);
      return fail(res, encoding, 503, 'usage store unavailable; retry later', {
        'Retry-After': String(deps.retryAfterSeconds),
      });
    }
  }
  metrics.spansAccepted.inc(spans.length - rejected);
  if (rejected > 0) metrics.spansRejected.inc(rejected, { reason: 'invalid' });
  const contentType = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
  send(res, 200, contentType, encodeExportTraceResponse(encoding, rejected, rejected > 0 ? (rejectReason ?? '') : ''));
  return 200;
}

function fail(
  res: ServerResponse,
  encoding: OtlpEncoding,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): number {
  const contentType = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
  send(res, status, contentType, encodeStatus(encoding, status, message), headers);
  return status;
}

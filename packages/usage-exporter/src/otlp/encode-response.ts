/**
 * Response bodies of the OTLP/HTTP receiver (https://opentelemetry.io/docs/specs/otlp/#otlphttp-response), in the
 * encoding of the request: `ExportTraceServiceResponse` on success, `google.rpc.Status` on failure.
 */

export type OtlpEncoding = 'protobuf' | 'json';

export function encodeExportTraceResponse(encoding: OtlpEncoding, rejectedSpans: number, errorMessage: string): Buffer {
  if (encoding === 'json') {
    const body =
      rejectedSpans > 0 || errorMessage
        ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } }
        : {};
    return Buffer.from(JSON.stringify(body));
  }
  if (rejectedSpans === 0 && !errorMessage) return Buffer.alloc(0);
  // ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
  const partial = Buffer.concat([
    rejectedSpans > 0 ? Buffer.concat([tag(1, 0), varint(rejectedSpans)]) : Buffer.alloc(0),
    errorMessage ? lengthDelimited(2, Buffer.from(errorMessage)) : Buffer.alloc(0),
  ]);
  // ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
  return lengthDelimited(1, partial);
}

/** `google.rpc.Status { int32 code = 1; string message = 2; }` with the gRPC code matching the HTTP status. */
export function encodeStatus(encoding: OtlpEncoding, httpStatus: number, message: string): Buffer {
  const code = grpcCodeFor(httpStatus);
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return Buffer.concat([tag(1, 0), varint(code), lengthDelimited(2, Buffer.from(message))]);
}

function grpcCodeFor(httpStatus: number): number {
  switch (httpStatus) {
    case 400:
      return 3; // INVALID_ARGUMENT
    case 401:
      return 16; // UNAUTHENTICATED
    case 404:
      return 5; // NOT_FOUND
    case 413:
      return 8; // RESOURCE_EXHAUSTED
    case 415:
      return 3;
    case 503:
      return 14; // UNAVAILABLE
    default:
      return 2; // UNKNOWN
  }
}

function tag(field: number, wireType: number): Buffer {
  return varint((field << 3) | wireType);
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  let v = Math.trunc(n);
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function lengthDelimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([tag(field, 2), varint(payload.length), payload]);
}

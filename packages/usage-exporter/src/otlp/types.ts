/** An attribute value as decoded from OTLP's AnyValue: scalars, arrays and key-value lists, bytes as base64. */
export type OtlpAttributeValue = string | number | boolean | null | OtlpAttributeValue[] | OtlpAttributeMap;
export interface OtlpAttributeMap {
  [key: string]: OtlpAttributeValue;
}

export interface OtlpScope {
  name: string;
  version: string;
}

/** OTLP span status codes (`opentelemetry.proto.trace.v1.Status.StatusCode`). */
export const OTLP_STATUS_CODE_UNSET = 0;
export const OTLP_STATUS_CODE_OK = 1;
export const OTLP_STATUS_CODE_ERROR = 2;

/** One span of an `ExportTraceServiceRequest`, with its resource and scope, holding only what usage needs. */
export interface OtlpSpan {
  /** Lowercase hex; empty or of the wrong length when the sender sent a bad id (the span is then rejected). */
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: OtlpAttributeMap;
  status: { code: number; message: string };
  /** Shared by every span of the same ResourceSpans: treat as read-only. */
  resource: OtlpAttributeMap;
  scope: OtlpScope;
}

export interface DecodeOptions {
  /**
   * Attribute keys whose values are skipped without decoding (the span carries no entry for them). Used for
   * message content, which can be large and never counts towards usage.
   */
  skipAttributes?: ReadonlySet<string>;
  /**
   * When set, only these attribute keys are decoded (of spans and resources); every other value is skipped unread.
   * The exporter passes the attributes usage records are made of.
   */
  onlyAttributes?: ReadonlySet<string>;
  /** Upper bound on the number of spans in one request; more is rejected as malformed. Default: unlimited. */
  maxSpans?: number;
}

export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

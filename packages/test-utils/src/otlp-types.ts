/** An attribute value as received: OTLP `AnyValue` mapped to plain JS. */
export type AttributeValue =
  string | number | boolean | Buffer | null | AttributeValue[] | { [key: string]: AttributeValue };

/** Attributes by key. Ints become numbers (beyond 2^53 they lose precision); `bytesValue` becomes a Buffer. */
export type Attributes = Record<string, AttributeValue>;

/** Which `AnyValue` field carried an attribute, to tell an int from a double (both are JS numbers). */
export type AttributeType = 'string' | 'bool' | 'int' | 'double' | 'array' | 'kvlist' | 'bytes' | 'empty';

/** How an export reached the receiver. */
export type OtlpTransport = 'grpc' | 'http/protobuf' | 'http/json';

/** OTLP span kind. Note: OTLP numbers these differently from `SpanKind` in @opentelemetry/api, hence names. */
export type ReceivedSpanKind = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';

/** OTLP status code, by name. */
export type ReceivedStatusCode = 'UNSET' | 'OK' | 'ERROR';

/** Instrumentation scope of a span or metric. */
export interface ReceivedScope {
  name: string;
  version: string;
}

/** A span event. */
export interface ReceivedSpanEvent {
  name: string;
  /** Nanoseconds since the epoch, as a decimal string. */
  timeUnixNano: string;
  attributes: Attributes;
}

/** A span link. */
export interface ReceivedSpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** One span as received by the OTLP receiver, flattened with its resource and scope. */
export interface ReceivedSpan {
  /** 32 lower-case hex digits. */
  traceId: string;
  /** 16 lower-case hex digits. */
  spanId: string;
  /** 16 lower-case hex digits; undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  kind: ReceivedSpanKind;
  /** Nanoseconds since the epoch, as a decimal string (use `BigInt()` for arithmetic). */
  startTimeUnixNano: string;
  /** Nanoseconds since the epoch, as a decimal string. */
  endTimeUnixNano: string;
  status: { code: ReceivedStatusCode; message: string };
  attributes: Attributes;
  /** The OTLP value type of each attribute, e.g. to assert a cost is a double and a token count an int. */
  attributeTypes: Record<string, AttributeType>;
  events: ReceivedSpanEvent[];
  links: ReceivedSpanLink[];
  resource: Attributes;
  scope: ReceivedScope;
  transport: OtlpTransport;
}

/** One data point of a metric. Number points carry `value`; histogram and summary points carry `count`/`sum`. */
export interface ReceivedDataPoint {
  attributes: Attributes;
  attributeTypes: Record<string, AttributeType>;
  /** Nanoseconds since the epoch, as a decimal string. */
  startTimeUnixNano: string;
  /** Nanoseconds since the epoch, as a decimal string. */
  timeUnixNano: string;
  /** Gauge and sum points. */
  value?: number;
  /** Gauge and sum points: whether the value was sent as an int (`asInt`) or a double (`asDouble`). */
  valueType?: 'int' | 'double';
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  /** Explicit-bucket histograms: one count per bucket (`explicitBounds.length + 1` of them). */
  bucketCounts?: number[];
  explicitBounds?: number[];
}

/** The kinds of metric data OTLP carries. */
export type ReceivedMetricType = 'histogram' | 'sum' | 'gauge' | 'exponential_histogram' | 'summary';

/** One metric of one export, flattened with its resource and scope. A metric exported N times appears N times. */
export interface ReceivedMetric {
  name: string;
  unit: string;
  description: string;
  type: ReceivedMetricType;
  /** Sums and histograms. */
  temporality?: 'delta' | 'cumulative' | 'unspecified';
  /** Sums. */
  isMonotonic?: boolean;
  dataPoints: ReceivedDataPoint[];
  resource: Attributes;
  scope: ReceivedScope;
  transport: OtlpTransport;
}

/** One export request as received. */
export interface ReceivedOtlpRequest {
  signal: 'traces' | 'metrics';
  transport: OtlpTransport;
  /** HTTP headers or gRPC metadata (lower-case names). */
  headers: Record<string, string | string[]>;
  /** The request payload after HTTP gzip decoding (gRPC message compression is undone by grpc-js). */
  body: Buffer;
}

import {
  type Attributes,
  type AttributeType,
  type AttributeValue,
  type OtlpTransport,
  type ReceivedDataPoint,
  type ReceivedMetric,
  type ReceivedMetricType,
  type ReceivedScope,
  type ReceivedSpan,
  type ReceivedSpanKind,
  type ReceivedStatusCode,
} from './otlp-types.js';

// Input is either protobufjs' toObject output (bytes as Buffers, 64-bit ints as strings) or parsed OTLP/JSON
// (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding: ids as hex, 64-bit ints as strings or numbers,
// enums as integers). Both use lowerCamelCase field names, so one walker handles both.
type Obj = Record<string, any>;

const SPAN_KINDS: ReceivedSpanKind[] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODES: ReceivedStatusCode[] = ['UNSET', 'OK', 'ERROR'];
const TEMPORALITIES = ['unspecified', 'delta', 'cumulative'] as const;

function list(v: unknown): Obj[] {
  return Array.isArray(v) ? (v as Obj[]) : [];
}

/** An enum sent as an integer (spec) or, leniently, as its name with a known prefix. */
function enumIndex(v: unknown, prefix: string, names: readonly string[]): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const i = names.findIndex((n) => `${prefix}${n.toUpperCase()}` === v);
    return i === -1 ? Number(v) || 0 : i;
  }
  return 0;
}

function toNumber(v: unknown): number {
  if (v === undefined || v === null) return 0;
  return typeof v === 'number' ? v : Number(v);
}

function nanos(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint')
    return BigInt(typeof v === 'number' ? Math.trunc(v) : v).toString();
  return typeof v === 'string' && v !== '' ? v : '0';
}

function hexId(v: unknown): string {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  return typeof v === 'string' ? v.toLowerCase() : '';
}

function anyValue(v: Obj | undefined): [AttributeValue, AttributeType] {
  if (!v) return [null, 'empty'];
  if ('stringValue' in v) return [String(v.stringValue), 'string'];
  if ('boolValue' in v) return [Boolean(v.boolValue), 'bool'];
  if ('intValue' in v) return [toNumber(v.intValue), 'int'];
  if ('doubleValue' in v) return [toNumber(v.doubleValue), 'double'];
  if ('arrayValue' in v) return [list(v.arrayValue?.values).map((x) => anyValue(x)[0]), 'array'];
  if ('kvlistValue' in v) return [attributes(list(v.kvlistValue?.values)).values, 'kvlist'];
  if ('bytesValue' in v) {
    const b = v.bytesValue;
    return [b instanceof Uint8Array ? Buffer.from(b) : Buffer.from(String(b), 'base64'), 'bytes'];
  }
  return [null, 'empty'];
}

function attributes(kvs: unknown): { values: Attributes; types: Record<string, AttributeType> } {
  const values: Attributes = {};
  const types: Record<string, AttributeType> = {};
  for (const kv of list(kvs)) {
    const [value, type] = anyValue(kv.value as Obj | undefined);
    values[String(kv.key)] = value;
    types[String(kv.key)] = type;
  }
  return { values, types };
}

function scope(s: Obj | undefined): ReceivedScope {
  return { name: String(s?.name ?? ''), version: String(s?.version ?? '') };
}

/** Flattens an `ExportTraceServiceRequest` (protobuf-decoded or JSON) into spans. */
export function normalizeTraces(request: Obj, transport: OtlpTransport): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const rs of list(request.resourceSpans)) {
    const resource = attributes(rs.resource?.attributes).values;
    for (const ss of list(rs.scopeSpans)) {
      const sc = scope(ss.scope);
      for (const s of list(ss.spans)) {
        const attrs = attributes(s.attributes);
        const parent = hexId(s.parentSpanId);
        spans.push({
          traceId: hexId(s.traceId),
          spanId: hexId(s.spanId),
          parentSpanId: parent === '' ? undefined : parent,
          name: String(s.name ?? ''),
          kind: SPAN_KINDS[enumIndex(s.kind, 'SPAN_KIND_', SPAN_KINDS)] ?? 'UNSPECIFIED',
          startTimeUnixNano: nanos(s.startTimeUnixNano),
          endTimeUnixNano: nanos(s.endTimeUnixNano),
          status: {
            code: STATUS_CODES[enumIndex(s.status?.code, 'STATUS_CODE_', STATUS_CODES)] ?? 'UNSET',
            message: String(s.status?.message ?? ''),
          },
          attributes: attrs.values,
          attributeTypes: attrs.types,
          events: list(s.events).map((e) => ({
            name: String(e.name ?? ''),
            timeUnixNano: nanos(e.timeUnixNano),
            attributes: attributes(e.attributes).values,
          })),
          links: list(s.links).map((l) => ({
            traceId: hexId(l.traceId),
            spanId: hexId(l.spanId),
            attributes: attributes(l.attributes).values,
          })),
          resource,
          scope: sc,
          transport,
        });
      }
    }
  }
  return spans;
}

function dataPoint(p: Obj, type: ReceivedMetricType): ReceivedDataPoint {
  const attrs = attributes(p.attributes);
  const point: ReceivedDataPoint = {
    attributes: attrs.values,
    attributeTypes: attrs.types,
    startTimeUnixNano: nanos(p.startTimeUnixNano),
    timeUnixNano: nanos(p.timeUnixNano),
  };
  if ('asInt' in p) {
    point.value = toNumber(p.asInt);
    point.valueType = 'int';
  } else if ('asDouble' in p) {
    point.value = toNumber(p.asDouble);
    point.valueType = 'double';
  }
  if (type === 'gauge' || type === 'sum') return point;
  // Proto3 leaves zero scalars off the wire, so a missing count/bucket list means 0 / empty.
  point.count = toNumber(p.count);
  if ('sum' in p) point.sum = toNumber(p.sum);
  if ('min' in p) point.min = toNumber(p.min);
  if ('max' in p) point.max = toNumber(p.max);
  if (type === 'histogram') {
    point.bucketCounts = list(p.bucketCounts).map(toNumber);
    point.explicitBounds = list(p.explicitBounds).map(toNumber);
  }
  return point;
}

const METRIC_TYPES: [keyof Obj, ReceivedMetricType][] = [
  ['histogram', 'histogram'],
  ['sum', 'sum'],
  ['gauge', 'gauge'],
  ['exponentialHistogram', 'exponential_histogram'],
  ['summary', 'summary'],
];

/** Flattens an `ExportMetricsServiceRequest` (protobuf-decoded or JSON) into metrics. */
export function normalizeMetrics(request: Obj, transport: OtlpTransport): ReceivedMetric[] {
  const metrics: ReceivedMetric[] = [];
  for (const rm of list(request.resourceMetrics)) {
    const resource = attributes(rm.resource?.attributes).values;
    for (const sm of list(rm.scopeMetrics)) {
      const sc = scope(sm.scope);
      for (const m of list(sm.metrics)) {
        const found = METRIC_TYPES.find(([field]) => m[field] !== undefined && m[field] !== null);
        if (!found) continue;
        const [field, type] = found;
        const data = m[field] as Obj;
        const metric: ReceivedMetric = {
          name: String(m.name ?? ''),
          unit: String(m.unit ?? ''),
          description: String(m.description ?? ''),
          type,
          dataPoints: list(data.dataPoints).map((p) => dataPoint(p, type)),
          resource,
          scope: sc,
          transport,
        };
        if (type === 'sum' || type === 'histogram' || type === 'exponential_histogram') {
          metric.temporality =
            TEMPORALITIES[enumIndex(data.aggregationTemporality, 'AGGREGATION_TEMPORALITY_', TEMPORALITIES)] ??
            'unspecified';
        }
        if (type === 'sum') metric.isMonotonic = Boolean(data.isMonotonic);
        metrics.push(metric);
      }
    }
  }
  return metrics;
}

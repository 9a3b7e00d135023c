/**
 * Decoder for `ExportTraceServiceRequest` in OTLP/JSON
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase keys (original snake_case
 * names accepted too, as the protobuf JSON mapping requires of parsers), trace and span ids as hex, 64-bit integers
 * as strings or numbers, enums as integers (or their names).
 */
import {
  type DecodeOptions,
  type OtlpAttributeMap,
  type OtlpAttributeValue,
  OtlpDecodeError,
  type OtlpScope,
  type OtlpSpan,
} from './types.js';
import { MAX_DEPTH } from './wire-reader.js';

type Json = Record<string, unknown>;

const NO_SKIP: ReadonlySet<string> = new Set();

const SPAN_KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODE_NAMES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/** Decodes an OTLP/JSON `ExportTraceServiceRequest`; throws {@link OtlpDecodeError} on malformed input. */
export function decodeTraceRequestJson(body: Uint8Array | string, options: DecodeOptions = {}): OtlpSpan[] {
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString();
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`invalid JSON ExportTraceServiceRequest: ${(err as Error).message}`);
  }
  const skip = options.skipAttributes ?? NO_SKIP;
  const only = options.onlyAttributes;
  const maxSpans = options.maxSpans ?? Infinity;
  const spans: OtlpSpan[] = [];
  try {
    const req = asObject(root, 'ExportTraceServiceRequest');
    for (const rs of asArray(field(req, 'resourceSpans', 'resource_spans'), 'resourceSpans')) {
      const resourceSpans = asObject(rs, 'resourceSpans[]');
      const resource: OtlpAttributeMap = Object.create(null);
      const res = field(resourceSpans, 'resource', 'resource');
      if (res != null)
        decodeAttributes(asObject(res, 'resource').attributes, resource, skip, only, 0, 'resource.attributes');
      for (const ss of asArray(field(resourceSpans, 'scopeSpans', 'scope_spans'), 'scopeSpans')) {
        const scopeSpans = asObject(ss, 'scopeSpans[]');
        const scope = decodeScope(scopeSpans.scope);
        for (const s of asArray(scopeSpans.spans, 'spans')) {
          if (spans.length >= maxSpans) throw new OtlpDecodeError(`more than ${maxSpans} spans`);
          spans.push(decodeSpan(asObject(s, 'spans[]'), resource, scope, skip, only));
        }
      }
    }
  } catch (err) {
    if (err instanceof OtlpDecodeError) {
      throw new OtlpDecodeError(`invalid JSON ExportTraceServiceRequest: ${err.message}`);
    }
    throw err;
  }
  return spans;
}

function field(obj: Json, camel: string, snake: string): unknown {
  return obj[camel] ?? obj[snake];
}

function asObject(v: unknown, what: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new OtlpDecodeError(`${what} must be an object`);
  return v as Json;
}

function asArray(v: unknown, what: string): unknown[] {
  if (v == null) return [];
  if (!Array.isArray(v)) throw new OtlpDecodeError(`${what} must be an array`);
  return v;
}

function asString(v: unknown, what: string): string {
  if (v == null) return '';
  if (typeof v !== 'string') throw new OtlpDecodeError(`${what} must be a string`);
  return v;
}

function decodeScope(v: unknown): OtlpScope {
  if (v == null) return { name: '', version: '' };
  const o = asObject(v, 'scope');
  return { name: asString(o.name, 'scope.name'), version: asString(o.version, 'scope.version') };
}

function decodeSpan(
  o: Json,
  resource: OtlpAttributeMap,
  scope: OtlpScope,
  skip: ReadonlySet<string>,
  only: ReadonlySet<string> | undefined,
): OtlpSpan {
  const attributes: OtlpAttributeMap = Object.create(null);
  decodeAttributes(o.attributes, attributes, skip, only, 0, 'span.attributes');
  const status = { code: 0, message: '' };
  if (o.status != null) {
    const st = asObject(o.status, 'span.status');
    status.code = decodeEnum(st.code, STATUS_CODE_NAMES, 'span.status.code');
    status.message = asString(st.message, 'span.status.message');
  }
  return {
    traceId: asString(field(o, 'traceId', 'trace_id'), 'span.traceId').toLowerCase(),
    spanId: asString(field(o, 'spanId', 'span_id'), 'span.spanId').toLowerCase(),
    parentSpanId: asString(field(o, 'parentSpanId', 'parent_span_id'), 'span.parentSpanId').toLowerCase(),
    name: asString(o.name, 'span.name'),
    kind: decodeEnum(o.kind, SPAN_KIND_NAMES, 'span.kind'),
    startTimeUnixNano: decodeUint64(field(o, 'startTimeUnixNano', 'start_time_unix_nano'), 'span.startTimeUnixNano'),
    endTimeUnixNano: decodeUint64(field(o, 'endTimeUnixNano', 'end_time_unix_nano'), 'span.endTimeUnixNano'),
    attributes,
    status,
    resource,
    scope,
  };
}

function decodeEnum(v: unknown, names: Record<string, number>, what: string): number {
  if (v == null) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && Object.hasOwn(names, v)) return names[v]!;
  throw new OtlpDecodeError(`${what} must be an enum integer`);
}

function decodeUint64(v: unknown, what: string): bigint {
  if (v == null) return 0n;
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  // Numbers past 2^53 arrive already rounded by JSON.parse; nanosecond precision does not matter for usage.
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 2 ** 64) return BigInt(Math.trunc(v));
  throw new OtlpDecodeError(`${what} must be an unsigned 64-bit integer`);
}

function decodeInt64(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) return Number(v);
  throw new OtlpDecodeError(`${what} must be a 64-bit integer`);
}

function decodeDouble(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new OtlpDecodeError(`${what} must be a number`);
}

function decodeAttributes(
  v: unknown,
  into: OtlpAttributeMap,
  skip: ReadonlySet<string>,
  only: ReadonlySet<string> | undefined,
  depth: number,
  what: string,
): void {
  for (const item of asArray(v, what)) {
    const kv = asObject(item, what);
    if (typeof kv.key !== 'string') throw new OtlpDecodeError(`${what}[].key must be a string`);
    if (skip.has(kv.key) || (only !== undefined && !only.has(kv.key))) continue;
    into[kv.key] = decodeAnyValue(kv.value, depth + 1, `${what}[${kv.key}]`);
  }
}

function decodeAnyValue(v: unknown, depth: number, what: string): OtlpAttributeValue {
  if (depth > MAX_DEPTH) throw new OtlpDecodeError('attribute values nested too deeply');
  if (v == null) return null;
  const o = asObject(v, what);
  if (o.stringValue !== undefined || o.string_value !== undefined) {
    return asString(field(o, 'stringValue', 'string_value'), what);
  }
  if (o.boolValue !== undefined || o.bool_value !== undefined) {
    const b = field(o, 'boolValue', 'bool_value');
    if (typeof b !== 'boolean') throw new OtlpDecodeError(`${what}.boolValue must be a boolean`);
    return b;
  }
  if (o.intValue !== undefined || o.int_value !== undefined) {
    return decodeInt64(field(o, 'intValue', 'int_value'), `${what}.intValue`);
  }
  if (o.doubleValue !== undefined || o.double_value !== undefined) {
    return decodeDouble(field(o, 'doubleValue', 'double_value'), `${what}.doubleValue`);
  }
  const arr = field(o, 'arrayValue', 'array_value');
  if (arr !== undefined) {
    const values = asArray(asObject(arr, `${what}.arrayValue`).values, `${what}.arrayValue.values`);
    return values.map((x) => decodeAnyValue(x, depth + 1, what));
  }
  const kvlist = field(o, 'kvlistValue', 'kvlist_value');
  if (kvlist !== undefined) {
    const map: OtlpAttributeMap = Object.create(null);
    decodeAttributes(asObject(kvlist, `${what}.kvlistValue`).values, map, NO_SKIP, undefined, depth + 1, what);
    return map;
  }
  const bytes = field(o, 'bytesValue', 'bytes_value');
  if (bytes !== undefined) return asString(bytes, `${what}.bytesValue`);
  return null;
}

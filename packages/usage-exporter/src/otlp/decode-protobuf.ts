/**
 * Decoder for `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest` in the protobuf binary encoding,
 * reading only the fields usage needs. Field numbers follow opentelemetry-proto
 * (https://github.com/open-telemetry/opentelemetry-proto/blob/main/opentelemetry/proto/trace/v1/trace.proto).
 *
 * Fields may arrive in any order and unknown fields are skipped, as the protobuf spec requires; a known field with
 * the wrong wire type, a truncated value or a length running past its message is an error.
 */
import {
  MAX_DEPTH,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
  WireFormatError,
  WireReader,
} from './wire-reader.js';
import {
  type DecodeOptions,
  type OtlpAttributeMap,
  type OtlpAttributeValue,
  OtlpDecodeError,
  type OtlpScope,
  type OtlpSpan,
} from './types.js';

const NO_SKIP: ReadonlySet<string> = new Set();

/** Decodes a protobuf `ExportTraceServiceRequest`; throws {@link OtlpDecodeError} on malformed input. */
export function decodeTraceRequestProtobuf(body: Uint8Array, options: DecodeOptions = {}): OtlpSpan[] {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const ctx: Ctx = {
    skip: options.skipAttributes ?? NO_SKIP,
    only: options.onlyAttributes,
    maxSpans: options.maxSpans ?? Infinity,
    spans: [],
  };
  const r = new WireReader(buf);
  try {
    while (r.pos < r.end) {
      const tag = r.readTag();
      if (tag >>> 3 === 1) {
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'ExportTraceServiceRequest.resource_spans');
        decodeResourceSpans(r, r.readLengthDelimitedEnd(), ctx);
      } else r.skip(tag & 7);
    }
  } catch (err) {
    if (err instanceof WireFormatError || err instanceof OtlpDecodeError) {
      throw new OtlpDecodeError(`invalid protobuf ExportTraceServiceRequest: ${err.message}`);
    }
    throw err;
  }
  return ctx.spans;
}

interface Ctx {
  skip: ReadonlySet<string>;
  only: ReadonlySet<string> | undefined;
  maxSpans: number;
  spans: OtlpSpan[];
}

function expectWireType(tag: number, wireType: number, field: string): void {
  if ((tag & 7) !== wireType) {
    throw new OtlpDecodeError(`field ${field} has wire type ${tag & 7}, expected ${wireType}`);
  }
}

/** Narrows the reader to a nested message; returns the enclosing limit for {@link leave}. */
function enter(r: WireReader, end: number): number {
  const outer = r.end;
  r.end = end;
  return outer;
}

/** Restores the enclosing limit after checking the nested message ended exactly at its declared length. */
function leave(r: WireReader, outer: number): void {
  if (r.pos !== r.end) throw new WireFormatError(`message did not end at its declared length (offset ${r.pos})`);
  r.end = outer;
}

function decodeResourceSpans(r: WireReader, end: number, ctx: Ctx): void {
  const first = ctx.spans.length;
  const resource: OtlpAttributeMap = Object.create(null);
  const outer = enter(r, end);
  while (r.pos < r.end) {
    const tag = r.readTag();
    switch (tag >>> 3) {
      case 1:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'ResourceSpans.resource');
        decodeResource(r, r.readLengthDelimitedEnd(), resource, ctx);
        break;
      case 2:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'ResourceSpans.scope_spans');
        decodeScopeSpans(r, r.readLengthDelimitedEnd(), resource, ctx);
        break;
      default:
        r.skip(tag & 7);
    }
  }
  leave(r, outer);
  // The resource may follow its spans on the wire; every span shares the one map, so assign it at the end.
  for (let i = first; i < ctx.spans.length; i++) ctx.spans[i]!.resource = resource;
}

function decodeResource(r: WireReader, end: number, into: OtlpAttributeMap, ctx: Ctx): void {
  const outer = enter(r, end);
  while (r.pos < r.end) {
    const tag = r.readTag();
    if (tag >>> 3 === 1) {
      expectWireType(tag, WIRE_LENGTH_DELIMITED, 'Resource.attributes');
      decodeKeyValue(r, r.readLengthDelimitedEnd(), into, ctx.skip, ctx.only, 0);
    } else r.skip(tag & 7);
  }
  leave(r, outer);
}

function decodeScopeSpans(r: WireReader, end: number, resource: OtlpAttributeMap, ctx: Ctx): void {
  const first = ctx.spans.length;
  const scope: OtlpScope = { name: '', version: '' };
  const outer = enter(r, end);
  while (r.pos < r.end) {
    const tag = r.readTag();
    switch (tag >>> 3) {
      case 1:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'ScopeSpans.scope');
        decodeScope(r, r.readLengthDelimitedEnd(), scope);
        break;
      case 2:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'ScopeSpans.spans');
        if (ctx.spans.length >= ctx.maxSpans) throw new OtlpDecodeError(`more than ${ctx.maxSpans} spans`);
        ctx.spans.push(decodeSpan(r, r.readLengthDelimitedEnd(), resource, scope, ctx));
        break;
      default:
        r.skip(tag & 7);
    }
  }
  leave(r, outer);
  for (let i = first; i < ctx.spans.length; i++) ctx.spans[i]!.scope = scope;
}

function decodeScope(r: WireReader, end: number, scope: OtlpScope): void {
  const outer = enter(r, end);
  while (r.pos < r.end) {
    const tag = r.readTag();
    switch (tag >>> 3) {
      case 1:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'InstrumentationScope.name');
        scope.name = r.readString();
        break;
      case 2:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'InstrumentationScope.version');
        scope.version = r.readString();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  leave(r, outer);
}

function decodeSpan(r: WireReader, end: number, resource: OtlpAttributeMap, scope: OtlpScope, ctx: Ctx): OtlpSpan {
  const span: OtlpSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    // With `only`, no other key (`__proto__` included) is ever stored, so a plain object is safe, and faster: spans
    // with the same keys share one hidden class.
    attributes: ctx.only ? {} : Object.create(null),
    status: { code: 0, message: '' },
    resource,
    scope,
  };
  const outer = enter(r, end);
  while (r.pos < r.end) {
    const tag = r.readTag();
    switch (tag >>> 3) {
      case 1:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'Span.trace_id');
        span.traceId = r.readHex();
        break;
      case 2:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'Span.span_id');
        span.spanId = r.readHex();
        break;
      case 4:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'Span.parent_span_id');
        span.parentSpanId = r.readHex();
        break;
      case 5:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'Span.name');
        span.name = r.readStringInterned();
        break;
      case 6:
        expectWireType(tag, WIRE_VARINT, 'Span.kind');
        span.kind = r.readVarint32();
        break;
      case 7:
        expectWireType(tag, WIRE_FIXED64, 'Span.start_time_unix_nano');
        span.startTimeUnixNano = r.readFixed64BigInt();
        break;
      case 8:
        expectWireType(tag, WIRE_FIXED64, 'Span.end_time_unix_nano');
        span.endTimeUnixNano = r.readFixed64BigInt();
        break;
      case 9:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'Span.attributes');
        decodeKeyValue(r, r.readLengthDelimitedEnd(), span.attributes, ctx.skip, ctx.only, 0);
        break;
      case 15:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'Span.status');
        decodeStatus(r, r.readLengthDelimitedEnd(), span.status);
        break;
      case 16:
        expectWireType(tag, WIRE_FIXED32, 'Span.flags');
        r.readFixed32();
        break;
      default:
        // trace_state, events, links and the dropped counts do not affect usage.
        r.skip(tag & 7);
    }
  }
  leave(r, outer);
  return span;
}

function decodeStatus(r: WireReader, end: number, status: { code: number; message: string }): void {
  const outer = enter(r, end);
  while (r.pos < r.end) {
    const tag = r.readTag();
    switch (tag >>> 3) {
      case 2:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'Status.message');
        status.message = r.readString();
        break;
      case 3:
        expectWireType(tag, WIRE_VARINT, 'Status.code');
        status.code = r.readVarint32();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  leave(r, outer);
}

function decodeKeyValue(
  r: WireReader,
  end: number,
  into: OtlpAttributeMap,
  skip: ReadonlySet<string>,
  only: ReadonlySet<string> | undefined,
  depth: number,
): void {
  let key: string | undefined;
  let value: OtlpAttributeValue = null;
  const outer = enter(r, end);
  while (r.pos < r.end) {
    const tag = r.readTag();
    switch (tag >>> 3) {
      case 1:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'KeyValue.key');
        key = r.readStringInterned();
        // Keys come first in practice: an unwanted attribute's value is then skipped unread.
        if (skip.has(key) || (only !== undefined && !only.has(key))) {
          r.pos = r.end;
          r.end = outer;
          return;
        }
        break;
      case 2:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'KeyValue.value');
        if (key !== undefined && skip.has(key)) r.skip(WIRE_LENGTH_DELIMITED);
        else value = decodeAnyValue(r, r.readLengthDelimitedEnd(), depth + 1);
        break;
      default:
        r.skip(tag & 7);
    }
  }
  leave(r, outer);
  if (key === undefined) throw new OtlpDecodeError('KeyValue without a key');
  if (!skip.has(key) && (only === undefined || only.has(key))) into[key] = value;
}

/** Tags of AnyValue's scalar fields: string_value (1), bool_value (2), int_value (3), double_value (4). */
const TAG_STRING = 0x0a;
const TAG_BOOL = 0x10;
const TAG_INT = 0x18;
const TAG_DOUBLE = 0x21;

function decodeAnyValue(r: WireReader, end: number, depth: number): OtlpAttributeValue {
  if (depth > MAX_DEPTH) throw new OtlpDecodeError('attribute values nested too deeply');
  const outer = enter(r, end);
  // Fast path for the usual AnyValue: one scalar field and nothing else.
  const start = r.pos;
  const first = start < end ? r.buf[start]! : 0;
  if (first === TAG_STRING || first === TAG_INT || first === TAG_DOUBLE || first === TAG_BOOL) {
    r.pos = start + 1;
    const scalar =
      first === TAG_STRING
        ? r.readStringInterned()
        : first === TAG_INT
          ? r.readVarint64()
          : first === TAG_DOUBLE
            ? r.readDouble()
            : r.readBool();
    if (r.pos === end) {
      r.end = outer;
      return scalar;
    }
    r.pos = start;
  }
  let value: OtlpAttributeValue = null;
  while (r.pos < r.end) {
    const tag = r.readTag();
    switch (tag >>> 3) {
      case 1:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'AnyValue.string_value');
        value = r.readStringInterned();
        break;
      case 2:
        expectWireType(tag, WIRE_VARINT, 'AnyValue.bool_value');
        value = r.readBool();
        break;
      case 3:
        expectWireType(tag, WIRE_VARINT, 'AnyValue.int_value');
        value = r.readVarint64();
        break;
      case 4:
        expectWireType(tag, WIRE_FIXED64, 'AnyValue.double_value');
        value = r.readDouble();
        break;
      case 5: {
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'AnyValue.array_value');
        const arrEnd = r.readLengthDelimitedEnd();
        const values: OtlpAttributeValue[] = [];
        const outer2 = enter(r, arrEnd);
        while (r.pos < r.end) {
          const t = r.readTag();
          if (t >>> 3 === 1) {
            expectWireType(t, WIRE_LENGTH_DELIMITED, 'ArrayValue.values');
            values.push(decodeAnyValue(r, r.readLengthDelimitedEnd(), depth + 1));
          } else r.skip(t & 7);
        }
        leave(r, outer2);
        value = values;
        break;
      }
      case 6: {
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'AnyValue.kvlist_value');
        const listEnd = r.readLengthDelimitedEnd();
        const map: OtlpAttributeMap = Object.create(null);
        const outer2 = enter(r, listEnd);
        while (r.pos < r.end) {
          const t = r.readTag();
          if (t >>> 3 === 1) {
            expectWireType(t, WIRE_LENGTH_DELIMITED, 'KeyValueList.values');
            decodeKeyValue(r, r.readLengthDelimitedEnd(), map, NO_SKIP, undefined, depth + 1);
          } else r.skip(t & 7);
        }
        leave(r, outer2);
        value = map;
        break;
      }
      case 7:
        expectWireType(tag, WIRE_LENGTH_DELIMITED, 'AnyValue.bytes_value');
        value = r.readBytes().toString('base64');
        break;
      default:
        r.skip(tag & 7);
    }
  }
  leave(r, outer);
  return value;
}

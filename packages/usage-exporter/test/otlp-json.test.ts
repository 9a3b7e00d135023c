import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTraceRequestJson, decodeTraceRequestProtobuf, OtlpDecodeError } from '@llmtel/usage-exporter';
import { makeSpans, toJson, toProtobuf } from './helpers/spans.ts';

const T = 1_767_225_600_000;

function request(span: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }], ...extra }] });
}

describe('OTLP/JSON ExportTraceServiceRequest decoder', () => {
  it('decodes what the real JSON serializer encodes exactly as the protobuf decoder decodes the same spans', async () => {
    const spans = await makeSpans([
      { user: 'u-1', model: 'gpt-4o', agent: 'planner', input: 1234, output: 56, costUsd: 0.25, time: T },
      {
        user: 'u-2',
        model: 'claude-sonnet-4-5',
        provider: 'anthropic',
        input: 9,
        output: 1,
        error: 'overloaded',
        time: T,
      },
    ]);
    const fromJson = decodeTraceRequestJson(toJson(spans));
    const fromProto = decodeTraceRequestProtobuf(toProtobuf(spans));
    assert.equal(fromJson.length, 2);
    // Plain copies: null-prototype maps compare by content.
    const plain = (x: unknown) =>
      JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    assert.deepEqual(plain(fromJson), plain(fromProto));
    assert.equal(fromJson[0]!.traceId, spans[0]!.spanContext().traceId);
    assert.equal(fromJson[1]!.status.code, 2);
  });

  it('accepts int64 as strings or numbers, enum names, snake_case keys and upper-case hex', () => {
    const [a] = decodeTraceRequestJson(
      request({
        trace_id: '0102030405060708090A0B0C0D0E0F10',
        span_id: 'A1A2A3A4A5A6A7A8',
        name: 'chat x',
        kind: 'SPAN_KIND_CLIENT',
        start_time_unix_nano: 1_000_000,
        endTimeUnixNano: '1767225600000000000',
        status: { code: 'STATUS_CODE_ERROR', message: 'bad' },
        attributes: [
          { key: 'i', value: { intValue: '42' } },
          { key: 'j', value: { int_value: 7 } },
          { key: 'd', value: { doubleValue: 'NaN' } },
          { key: 'b', value: { boolValue: false } },
          { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 1 }] } } },
          { key: 'empty', value: {} },
        ],
      }),
    );
    assert.equal(a!.traceId, '0102030405060708090a0b0c0d0e0f10');
    assert.equal(a!.spanId, 'a1a2a3a4a5a6a7a8');
    assert.equal(a!.kind, 3);
    assert.equal(a!.startTimeUnixNano, 1_000_000n);
    assert.equal(a!.endTimeUnixNano, 1_767_225_600_000_000_000n);
    assert.deepEqual(a!.status, { code: 2, message: 'bad' });
    assert.equal(a!.attributes.i, 42);
    assert.equal(a!.attributes.j, 7);
    assert.ok(Number.isNaN(a!.attributes.d));
    assert.equal(a!.attributes.b, false);
    assert.deepEqual(a!.attributes.arr, ['x', 1]);
    assert.equal(a!.attributes.empty, null);
  });

  it('ignores unknown fields and treats missing lists as empty', () => {
    assert.deepEqual(decodeTraceRequestJson('{}'), []);
    assert.deepEqual(decodeTraceRequestJson('{"resourceSpans":[{"scopeSpans":[{"spans":[]}]}],"future":1}'), []);
    const [s] = decodeTraceRequestJson(request({ traceId: 'ab', spanId: 'cd', futureField: { x: 1 } }));
    assert.equal(s!.traceId, 'ab');
  });

  it('does not let an attribute named __proto__ change the prototype of the attribute map', () => {
    const [s] = decodeTraceRequestJson(
      request({ attributes: [{ key: '__proto__', value: { stringValue: 'polluted' } }] }),
    );
    assert.equal(s!.attributes['__proto__'], 'polluted');
    assert.equal(Object.getPrototypeOf(s!.attributes), null);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('rejects malformed JSON and wrong shapes with a clear message', () => {
    const cases: [string, RegExp][] = [
      ['{"resourceSpans": [', /invalid JSON ExportTraceServiceRequest: .*JSON/],
      ['[]', /ExportTraceServiceRequest must be an object/],
      ['{"resourceSpans": {}}', /resourceSpans must be an array/],
      ['{"resourceSpans": [{"scopeSpans": [{"spans": [1]}]}]}', /spans\[\] must be an object/],
      [request({ traceId: 5 }), /span.traceId must be a string/],
      [request({ startTimeUnixNano: '-1' }), /startTimeUnixNano must be an unsigned 64-bit integer/],
      [request({ startTimeUnixNano: '12abc' }), /startTimeUnixNano must be an unsigned 64-bit integer/],
      [request({ kind: 'SPAN_KIND_NOPE' }), /span.kind must be an enum integer/],
      [request({ attributes: [{ value: { stringValue: 'x' } }] }), /key must be a string/],
      [request({ attributes: [{ key: 'k', value: { intValue: 'x1' } }] }), /intValue must be a 64-bit integer/],
      [request({ attributes: [{ key: 'k', value: { boolValue: 'yes' } }] }), /boolValue must be a boolean/],
      [request({ attributes: {} }), /span.attributes must be an array/],
    ];
    for (const [body, message] of cases) {
      assert.throws(
        () => decodeTraceRequestJson(body),
        (err: Error) => err instanceof OtlpDecodeError && message.test(err.message),
        body,
      );
    }
  });
});

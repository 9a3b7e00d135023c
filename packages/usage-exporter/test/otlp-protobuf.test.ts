import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTraceRequestProtobuf, OtlpDecodeError, type OtlpSpan } from '@llmtel/usage-exporter';
import { makeSpans, prng, toProtobuf } from './helpers/spans.ts';

// Hand-encoding helpers for inputs the real serializer never produces (field order, unknown fields, corruption).
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const tag = (field: number, wire: number) => varint(field * 8 + wire);
const ld = (field: number, payload: number[]) => [...tag(field, 2), ...varint(payload.length), ...payload];
const str = (field: number, s: string) => ld(field, [...Buffer.from(s)]);
const kv = (key: string, value: number[]) => [...str(1, key), ...ld(2, value)];

describe('protobuf ExportTraceServiceRequest decoder', () => {
  it('decodes what the real OTLP serializer encodes: ids, times, status, resource, scope and every value type', async () => {
    const [span] = await makeSpans([
      { user: 'u-1', model: 'gpt-4o', input: 1234, output: 56, reasoning: 7, costUsd: 0.0123, time: 1_767_225_600_000 },
    ]);
    const decoded = decodeTraceRequestProtobuf(toProtobuf([span!]));
    assert.equal(decoded.length, 1);
    const d = decoded[0]!;
    assert.equal(d.traceId, span!.spanContext().traceId);
    assert.equal(d.spanId, span!.spanContext().spanId);
    assert.equal(d.name, 'chat gpt-4o');
    assert.equal(d.kind, 3); // SPAN_KIND_CLIENT in OTLP numbering
    assert.equal(d.endTimeUnixNano, 1_767_225_600_000n * 1_000_000n);
    assert.equal(d.startTimeUnixNano, (1_767_225_600_000n - 1500n) * 1_000_000n);
    assert.equal(d.attributes['user.id'], 'u-1');
    assert.equal(d.attributes['gen_ai.usage.input_tokens'], 1234);
    assert.equal(d.attributes['gen_ai.usage.reasoning.output_tokens'], 7);
    assert.equal(d.attributes['llmtel.usage.cost_usd'], 0.0123);
    assert.equal(d.attributes['llmtel.usage.billable'], true);
    assert.deepEqual(d.attributes['gen_ai.response.finish_reasons'], ['stop']);
    assert.equal(d.resource['service.name'], 'usage-exporter-test');
    assert.deepEqual(d.scope, { name: '@llmtel/instrumentation-test', version: '0.1.0' });
    assert.deepEqual(d.status, { code: 0, message: '' });
  });

  it('decodes error status and keeps spans of one batch apart', async () => {
    const spans = await makeSpans([
      { user: 'a', model: 'm1', input: 1, output: 2, time: 1_767_225_600_000 },
      { user: 'b', model: 'm2', input: 3, output: 4, time: 1_767_225_601_000, error: 'timeout' },
    ]);
    const decoded = decodeTraceRequestProtobuf(toProtobuf(spans));
    assert.deepEqual(
      decoded.map((s) => [s.attributes['user.id'], s.attributes['gen_ai.request.model'], s.status.code]),
      [
        ['a', 'm1', 0],
        ['b', 'm2', 2],
      ],
    );
    assert.equal(decoded[1]!.status.message, 'timeout');
    assert.equal(decoded[0]!.resource, decoded[1]!.resource, 'spans of one ResourceSpans share the resource map');
  });

  it('skips the attributes it is told to skip (message content) without decoding them', async () => {
    const spans = await makeSpans([
      { model: 'm', input: 1, output: 1, time: 1_767_225_600_000, content: 'x'.repeat(100_000) },
    ]);
    const body = toProtobuf(spans);
    const kept = decodeTraceRequestProtobuf(body);
    assert.equal((kept[0]!.attributes['gen_ai.input.messages'] as string).length, 100_000);
    const skipped = decodeTraceRequestProtobuf(body, { skipAttributes: new Set(['gen_ai.input.messages']) });
    assert.equal('gen_ai.input.messages' in skipped[0]!.attributes, false);
    assert.equal(skipped[0]!.attributes['gen_ai.usage.input_tokens'], 1);
  });

  it('decodes only the attributes it is told to keep, whatever their field order, and nothing else', () => {
    const only = new Set(['user.id', 'gen_ai.usage.input_tokens', 'late.key']);
    const span = [
      ...ld(9, kv('user.id', str(1, 'u-9'))),
      ...ld(9, kv('__proto__', str(1, 'polluted'))),
      ...ld(9, kv('gen_ai.request.model', str(1, 'skipped'))),
      // An AnyValue with an unknown field after its value: still read in full.
      ...ld(9, kv('gen_ai.usage.input_tokens', [...tag(3, 0), ...varint(42), ...tag(99, 0), 1])),
      // Value before key: decoded, then kept only because its key is wanted.
      ...ld(9, [...ld(2, str(1, 'v')), ...str(1, 'late.key')]),
      ...ld(9, [...ld(2, str(1, 'x')), ...str(1, 'late.unwanted')]),
      ...ld(
        1,
        Array.from({ length: 16 }, (_, i) => i + 1),
      ),
      ...ld(2, [1, 2, 3, 4, 5, 6, 7, 8]),
    ];
    const request = Buffer.from(ld(1, ld(2, ld(2, span))));
    const [d] = decodeTraceRequestProtobuf(request, { onlyAttributes: only });
    assert.deepEqual({ ...d!.attributes }, { 'user.id': 'u-9', 'gen_ai.usage.input_tokens': 42, 'late.key': 'v' });
    assert.equal(Object.getPrototypeOf(d!.attributes), Object.prototype);
    // Without the option every attribute is there, `__proto__` as a plain key of a prototype-less map.
    const [all] = decodeTraceRequestProtobuf(request);
    assert.equal(all!.attributes['__proto__'], 'polluted');
    assert.equal(Object.keys(all!.attributes).length, 6);
  });

  it('accepts fields in any order, skips unknown fields of every wire type, and handles int64 extremes', () => {
    const anyInt = (n: number[]) => [...tag(3, 0), ...n];
    const minusOne = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    const twoTo53 = varint(2 ** 53);
    const span = [
      ...ld(9, kv('neg', anyInt(minusOne))),
      ...ld(9, kv('big', anyInt(twoTo53))),
      ...ld(9, kv('kv', ld(6, ld(1, kv('inner', str(1, 'v')))))),
      ...ld(9, kv('bytes', ld(7, [1, 2, 3]))),
      ...tag(99, 0),
      ...varint(300), // unknown varint
      ...tag(98, 1),
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8, // unknown fixed64
      ...tag(97, 5),
      1,
      2,
      3,
      4, // unknown fixed32
      ...ld(96, [1, 2, 3]), // unknown length-delimited
      ...tag(95, 3),
      ...tag(1, 0),
      5,
      ...tag(95, 4), // unknown group
      ...str(5, 'late-name'),
      ...ld(2, [1, 2, 3, 4, 5, 6, 7, 8]),
      ...ld(
        1,
        Array.from({ length: 16 }, (_, i) => i + 1),
      ),
    ];
    // Resource after the scope spans: still applied to every span.
    const resourceSpans = [...ld(2, ld(2, span)), ...ld(1, ld(1, kv('service.name', str(1, 'late'))))];
    const decoded = decodeTraceRequestProtobuf(Buffer.from(ld(1, resourceSpans)));
    assert.equal(decoded.length, 1);
    const d = decoded[0]!;
    assert.equal(d.name, 'late-name');
    assert.equal(d.traceId, '0102030405060708090a0b0c0d0e0f10');
    assert.equal(d.spanId, '0102030405060708');
    assert.equal(d.attributes.neg, -1);
    assert.equal(d.attributes.big, 2 ** 53);
    assert.deepEqual({ ...(d.attributes.kv as object) }, { inner: 'v' });
    assert.equal(d.attributes.bytes, Buffer.from([1, 2, 3]).toString('base64'));
    assert.equal(d.resource['service.name'], 'late');
  });

  it('an empty body is a valid request with no spans', () => {
    assert.deepEqual(decodeTraceRequestProtobuf(Buffer.alloc(0)), []);
  });

  it('rejects every truncation of a real request with OtlpDecodeError, or decodes fewer whole spans', async () => {
    const spans = await makeSpans(
      Array.from({ length: 3 }, (_, i) => ({
        user: `u${i}`,
        model: 'gpt-4o',
        input: 10,
        output: 5,
        time: 1_767_225_600_000,
      })),
    );
    const body = toProtobuf(spans);
    let rejected = 0;
    for (let len = 1; len < body.length; len++) {
      try {
        const decoded = decodeTraceRequestProtobuf(body.subarray(0, len));
        // Only a cut between two top-level fields leaves a valid message, and it holds fewer spans.
        assert.ok(decoded.length < 3, `prefix of ${len} bytes decoded to ${decoded.length} spans`);
      } catch (err) {
        assert.ok(err instanceof OtlpDecodeError, `prefix ${len}: ${String(err)}`);
        assert.match(err.message, /^invalid protobuf ExportTraceServiceRequest: /);
        rejected++;
      }
    }
    assert.ok(rejected >= body.length - 3, `only ${rejected} of ${body.length - 1} truncations rejected`);
  });

  it('rejects corrupt input with a clear message and never throws anything else', async () => {
    const cases: [string, number[], RegExp][] = [
      ['wire type 7', [0x0f], /invalid wire type 7/],
      ['field number 0', [0x02, 0x00], /invalid field number 0/],
      ['length past the end', [0x0a, 0x05, 0x01], /runs past the end/],
      ['known field, wrong wire type', [0x08, 0x01], /resource_spans has wire type 0, expected 2/],
      ['varint longer than 10 bytes', [0x10, ...Array(11).fill(0xff)], /varint longer than 10 bytes/],
      ['unterminated group', [0x13], /truncated group/],
      ['stray end-group', [0x14], /unexpected wire type 4/],
      ['KeyValue without key', ld(1, ld(2, ld(2, ld(9, ld(2, str(1, 'v')))))), /KeyValue without a key/],
    ];
    for (const [name, bytes, message] of cases) {
      assert.throws(
        () => decodeTraceRequestProtobuf(Buffer.from(bytes)),
        (err: Error) => {
          assert.ok(err instanceof OtlpDecodeError, name);
          assert.match(err.message, message, name);
          return true;
        },
      );
    }
    // Random corruption of a real body: decoding either fails cleanly or yields spans, never a crash.
    const body = toProtobuf(
      await makeSpans([{ user: 'u', model: 'gpt-4o', input: 1, output: 1, time: 1_767_225_600_000 }]),
    );
    const rand = prng(42);
    for (let i = 0; i < 2000; i++) {
      const copy = Buffer.from(body);
      for (let j = 0; j < 3; j++) copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
      try {
        const decoded: OtlpSpan[] = decodeTraceRequestProtobuf(copy);
        assert.ok(Array.isArray(decoded));
      } catch (err) {
        assert.ok(err instanceof OtlpDecodeError, `iteration ${i}: ${String(err)}`);
      }
    }
  });

  it('rejects nesting deeper than the limit instead of recursing without bound', () => {
    let value = str(1, 'leaf');
    for (let i = 0; i < 100; i++) value = ld(5, ld(1, value));
    const body = Buffer.from(ld(1, ld(2, ld(2, ld(9, kv('deep', value))))));
    assert.throws(() => decodeTraceRequestProtobuf(body), /nested too deeply/);
  });

  it('enforces maxSpans', async () => {
    const spans = await makeSpans(
      Array.from({ length: 5 }, () => ({ model: 'm', input: 1, output: 1, time: 1_767_225_600_000 })),
    );
    assert.throws(() => decodeTraceRequestProtobuf(toProtobuf(spans), { maxSpans: 4 }), /more than 4 spans/);
    assert.equal(decodeTraceRequestProtobuf(toProtobuf(spans), { maxSpans: 5 }).length, 5);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Client, credentials, status } from '@grpc/grpc-js';
import { otlpRoot, startOtlpReceiver, type OtlpReceiver } from '@llmtel/test-utils';

// Hand-written OTLP/JSON as the spec describes it (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
// hex ids, 64-bit integers as strings (or numbers), enums as integers.
const specJson = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-svc' } }] },
      scopeSpans: [
        {
          scope: { name: 'manual', version: '9' },
          spans: [
            {
              traceId: '5B8EFFF798038103D269B633813FC60C',
              spanId: 'EEE19B7EC3C1B174',
              parentSpanId: 'EEE19B7EC3C1B173',
              name: 'json span',
              startTimeUnixNano: '1544712660000000000',
              endTimeUnixNano: 1544712661000000000,
              kind: 3,
              attributes: [
                { key: 'i', value: { intValue: '9007199254740991' } },
                { key: 'n', value: { intValue: 5 } },
                { key: 'd', value: { doubleValue: 1.5 } },
                { key: 'b', value: { boolValue: false } },
                { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: '2' }] } } },
                { key: 'kv', value: { kvlistValue: { values: [{ key: 'inner', value: { stringValue: 'y' } }] } } },
                { key: 'bytes', value: { bytesValue: Buffer.from('hi').toString('base64') } },
                { key: 'empty', value: {} },
              ],
              status: { code: 2, message: 'bad' },
            },
          ],
        },
      ],
    },
  ],
};

function post(receiver: OtlpReceiver, path: string, body: string | Buffer, headers: Record<string, string>) {
  return fetch(`${receiver.httpEndpoint}${path}`, { method: 'POST', body, headers });
}

void describe('OTLP receiver over HTTP', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  void it('decodes spec-style OTLP/JSON and answers with an empty JSON response', async () => {
    receiver.clear();
    const res = await post(receiver, '/v1/traces', JSON.stringify(specJson), { 'content-type': 'application/json' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), {});

    const [span] = receiver.spans();
    assert.ok(span);
    assert.equal(span.traceId, '5b8efff798038103d269b633813fc60c');
    assert.equal(span.spanId, 'eee19b7ec3c1b174');
    assert.equal(span.parentSpanId, 'eee19b7ec3c1b173');
    assert.equal(span.kind, 'CLIENT');
    assert.equal(span.startTimeUnixNano, '1544712660000000000');
    assert.equal(span.endTimeUnixNano, '1544712661000000000');
    assert.deepEqual(span.status, { code: 'ERROR', message: 'bad' });
    assert.deepEqual(span.attributes, {
      i: 9007199254740991,
      n: 5,
      d: 1.5,
      b: false,
      arr: ['x', 2],
      kv: { inner: 'y' },
      bytes: Buffer.from('hi'),
      empty: null,
    });
    assert.deepEqual(span.attributeTypes, {
      i: 'int',
      n: 'int',
      d: 'double',
      b: 'bool',
      arr: 'array',
      kv: 'kvlist',
      bytes: 'bytes',
      empty: 'empty',
    });
    assert.deepEqual(span.resource, { 'service.name': 'json-svc' });
    assert.deepEqual(span.scope, { name: 'manual', version: '9' });
    assert.equal(span.transport, 'http/json');
  });

  void it('decodes gzip protobuf and answers with an empty protobuf response', async () => {
    receiver.clear();
    const type = otlpRoot.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
    const message = type.fromObject({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.alloc(16, 1),
                  spanId: Buffer.alloc(8, 2),
                  name: 'proto span',
                  kind: 2,
                  attributes: [{ key: 'zero', value: { intValue: 0 } }],
                },
              ],
            },
          ],
        },
      ],
    });
    const body = gzipSync(type.encode(message).finish());
    const res = await post(receiver, '/v1/traces', body, {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
    assert.equal((await res.arrayBuffer()).byteLength, 0);
    const [span] = receiver.spans();
    assert.equal(span?.traceId, '01'.repeat(16));
    assert.equal(span.spanId, '02'.repeat(8));
    assert.equal(span.parentSpanId, undefined);
    assert.equal(span.kind, 'SERVER');
    assert.deepEqual(span.attributes, { zero: 0 });
    assert.deepEqual(span.status, { code: 'UNSET', message: '' });
    assert.ok(receiver.rawBodies[0]?.includes('proto span'));
  });

  void it('rejects unknown paths, methods, content types and undecodable bodies', async () => {
    receiver.clear();
    assert.equal((await post(receiver, '/v1/logs', '{}', { 'content-type': 'application/json' })).status, 404);
    assert.equal((await fetch(`${receiver.httpEndpoint}/v1/traces`)).status, 405);
    assert.equal((await post(receiver, '/v1/traces', 'x', { 'content-type': 'text/plain' })).status, 415);
    const bad = await post(receiver, '/v1/metrics', Buffer.from([0x0a, 0xff, 0xff]), {
      'content-type': 'application/x-protobuf',
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /^metrics over http\/protobuf: /);
    await assert.rejects(
      receiver.waitFor((r) => r.metrics.length > 0, 50),
      /timed out .*decode errors: metrics over/,
    );
  });

  void it('answers INVALID_ARGUMENT to an undecodable gRPC export', async () => {
    const client = new Client(receiver.grpcEndpoint.replace('http://', ''), credentials.createInsecure());
    try {
      const err = await new Promise<{ code?: number } | null>((resolve) => {
        client.makeUnaryRequest(
          '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.from([0x0a, 0xff, 0xff]),
          (e) => resolve(e),
        );
      });
      assert.equal(err?.code, status.INVALID_ARGUMENT);
    } finally {
      client.close();
    }
  });

  void it('waitFor resolves on a later export and reports the last predicate error on timeout', async () => {
    receiver.clear();
    const waiting = receiver.waitFor((r) => r.spans.some((s) => s.name === 'json span'));
    await post(receiver, '/v1/traces', JSON.stringify(specJson), { 'content-type': 'application/json' });
    const { spans } = await waiting;
    assert.equal(spans.length, 1);
    await assert.rejects(
      receiver.waitFor(() => assert.fail('never satisfied'), 20),
      /spans: json span; metrics: none; last predicate error: AssertionError.*never satisfied/,
    );
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import {
  httpRequest,
  makeSpans,
  postTraces,
  randomCalls,
  toJson,
  toProtobuf,
  type HttpResult,
} from './helpers/spans.ts';
import { startService, TOKEN, type Service } from './helpers/service.ts';

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const MAX_BODY = 64 * 1024;

/** google.rpc.Status { int32 code = 1; string message = 2; } read from its protobuf bytes. */
function readStatus(body: Buffer): { code: number; message: string } {
  assert.equal(body[0], 0x08);
  const code = body[1]!;
  assert.equal(body[2], 0x12);
  const len = body[3]! < 0x80 ? body[3]! : (body[3]! & 0x7f) | (body[4]! << 7);
  const start = body[3]! < 0x80 ? 4 : 5;
  return { code, message: body.subarray(start, start + len).toString() };
}

/** Streams `total` bytes with chunked encoding (no Content-Length), so only the running count can stop it. */
function postChunked(url: string, total: number): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/traces`,
      { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    // The server may close the connection once it has answered; that is the point.
    req.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err),
    );
    const chunk = Buffer.alloc(8192, 0x0a);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('malformed and unauthorised requests', () => {
  let svc: Service;
  before(async () => {
    svc = await startService({ maxBodyBytes: MAX_BODY });
  });
  after(() => svc.close());

  async function assertNothingWrittenAndUp(): Promise<void> {
    assert.equal(await svc.client.dbsize(), 0, 'no key was written');
    assert.equal((await httpRequest(`${svc.url}/healthz`)).status, 200);
  }

  it('malformed protobuf: 400 with a google.rpc.Status naming the problem; truncated valid batches write nothing', async () => {
    const garbage = await postTraces(svc.url, Buffer.from([0x0a, 0xff, 0xff, 0x01, 0x02]));
    assert.equal(garbage.status, 400);
    assert.equal(garbage.headers['content-type'], 'application/x-protobuf');
    const status = readStatus(garbage.body);
    assert.equal(status.code, 3); // INVALID_ARGUMENT
    assert.match(status.message, /invalid protobuf ExportTraceServiceRequest: .*past the end/);

    // A real batch of 100 spans cut short: none of its spans may be stored.
    const body = toProtobuf(await makeSpans(randomCalls(100, 31, ['trunc'], today)));
    const cut = await postTraces(svc.url, body.subarray(0, body.length - 7));
    assert.equal(cut.status, 400);
    await assertNothingWrittenAndUp();
  });

  it('malformed JSON: 400 with a JSON status', async () => {
    const body = toJson(await makeSpans(randomCalls(20, 32, ['badjson'], today)));
    const res = await postTraces(svc.url, body.subarray(0, body.length - 3), { json: true });
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], 'application/json');
    const json = JSON.parse(res.body.toString()) as { code: number; message: string };
    assert.equal(json.code, 3);
    assert.match(json.message, /^invalid JSON ExportTraceServiceRequest/);
    const wrongShape = await postTraces(svc.url, Buffer.from('{"resourceSpans": 5}'), { json: true });
    assert.equal(wrongShape.status, 400);
    await assertNothingWrittenAndUp();
  });

  it('gzip bomb: 413 once the inflated size passes the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024)); // 50 MiB of zeros, ~50 KiB compressed
    assert.ok(bomb.length < MAX_BODY);
    const res = await httpRequest(`${svc.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' },
      body: bomb,
    });
    assert.equal(res.status, 413);
    assert.match(readStatus(res.body).message, /decompressed request body exceeds the limit of 65536 bytes/);
    const corrupt = await postTraces(svc.url, Buffer.from('not gzip at all'), {
      headers: { 'Content-Encoding': 'gzip' },
    });
    assert.equal(corrupt.status, 400);
    await assertNothingWrittenAndUp();
  });

  it('oversized body: 413 from Content-Length, and from the running count without one', async () => {
    const declared = await postTraces(svc.url, Buffer.alloc(MAX_BODY + 1, 0x0a));
    assert.equal(declared.status, 413);
    const streamed = await postChunked(svc.url, 4 * MAX_BODY);
    assert.equal(streamed.status, 413);
    await assertNothingWrittenAndUp();
  });

  it('wrong content type or encoding: 415; wrong method: 405', async () => {
    const body = toProtobuf(await makeSpans(randomCalls(5, 33, ['ct'], today)));
    const text = await postTraces(svc.url, body, { headers: { 'Content-Type': 'text/plain' } });
    assert.equal(text.status, 415);
    assert.match(JSON.parse(text.body.toString()).message, /unsupported Content-Type "text\/plain"/);
    const none = await httpRequest(`${svc.url}/v1/traces`, { method: 'POST', body });
    assert.equal(none.status, 415);
    const br = await postTraces(svc.url, body, { headers: { 'Content-Encoding': 'br' } });
    assert.equal(br.status, 415);
    const get = await httpRequest(`${svc.url}/v1/traces`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
    await assertNothingWrittenAndUp();
  });

  it('query API without the right token: 401; unknown routes: 404', async () => {
    for (const path of ['/v1/usage?user=a', '/v1/usage/users', '/v1/usage/count', '/v1/limits/a']) {
      const missing = await svc.api(path, { token: null });
      assert.equal(missing.status, 401, path);
      assert.equal(missing.headers['www-authenticate'], 'Bearer');
      assert.equal((await svc.api(path, { token: `${TOKEN}x` })).status, 401, path);
      assert.equal((await svc.api(path, { token: TOKEN.slice(1) })).status, 401, path);
    }
    const put = await svc.api('/v1/limits/a', { method: 'PUT', body: '{"tokens": 5}', token: null });
    assert.equal(put.status, 401);
    assert.equal((await svc.api('/nope', { token: null })).status, 404);
    await assertNothingWrittenAndUp();
  });
});

describe('query API without LLMTEL_API_TOKEN', () => {
  let svc: Service;
  before(async () => {
    const saved = process.env.LLMTEL_API_TOKEN;
    delete process.env.LLMTEL_API_TOKEN;
    try {
      svc = await startService({ apiToken: undefined });
    } finally {
      if (saved !== undefined) process.env.LLMTEL_API_TOKEN = saved;
    }
  });
  after(() => svc.close());

  it('is off: every query route answers 404, with or without a token', async () => {
    for (const path of ['/v1/usage?user=a', '/v1/usage/users', '/v1/limits/a']) {
      const res = await svc.api(path);
      assert.equal(res.status, 404, path);
      assert.match(JSON.parse(res.body.toString()).error, /query API disabled/);
    }
    assert.equal((await svc.api('/healthz', { token: null })).status, 200);
  });
});

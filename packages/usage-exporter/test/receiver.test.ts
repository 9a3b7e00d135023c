import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PricingTable } from '@llmtel/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  expectedBy,
  makeSpans,
  postTraces,
  randomCalls,
  toJson,
  toProtobuf,
  utcDay,
  type GenAiCall,
  type Totals,
} from './helpers/spans.ts';
import { startService, type Service } from './helpers/service.ts';

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;

async function usage(svc: Service, user: string, from: number, to: number, groupBy?: string) {
  const q = `/v1/usage?user=${encodeURIComponent(user)}&from=${utcDay(from)}&to=${utcDay(to)}${groupBy ? `&group_by=${groupBy}` : ''}`;
  const res = await svc.api(q);
  assert.equal(res.status, 200, res.body.toString());
  return JSON.parse(res.body.toString()) as { totals: Totals; groups: (Totals & { key: string })[] };
}

describe('OTLP/HTTP receiver', () => {
  let svc: Service;
  before(async () => {
    svc = await startService();
  });
  after(() => svc.close());

  it('stores a protobuf batch: totals per user, model and day equal the sums of the calls', async () => {
    const users = ['alice', 'bob', 'carol'];
    const calls = randomCalls(300, 1, users, today);
    const res = await postTraces(svc.url, toProtobuf(await makeSpans(calls)));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/x-protobuf');
    assert.equal(res.body.length, 0, 'full success is an empty ExportTraceServiceResponse');

    const from = today - 2 * DAY;
    const to = today + DAY;
    const perUser = expectedBy(calls, (c) => c.user!);
    for (const user of users) {
      const report = await usage(svc, user, from, to, 'model');
      assert.deepEqual(report.totals, perUser.get(user));
      const perModel = expectedBy(
        calls.filter((c) => c.user === user),
        (c) => c.model,
      );
      assert.deepEqual(
        report.groups.map(({ key, ...t }) => [key, t]),
        [...perModel].sort(([a], [b]) => a.localeCompare(b)),
      );
      const byDay = await usage(svc, user, from, to, 'day');
      const perDay = expectedBy(
        calls.filter((c) => c.user === user),
        (c) => utcDay(c.time),
      );
      assert.deepEqual(
        byDay.groups.filter((g) => g.requests > 0).map(({ key, ...t }) => [key, t]),
        [...perDay].sort(([a], [b]) => a.localeCompare(b)),
      );
    }
  });

  it('stores a gzipped OTLP/JSON batch and answers in JSON', async () => {
    const calls = randomCalls(50, 2, ['json-user'], today, 1);
    const res = await postTraces(svc.url, toJson(await makeSpans(calls)), { json: true, gzip: true });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(res.body.toString()), {});
    const report = await usage(svc, 'json-user', today, today + DAY);
    assert.deepEqual(report.totals, expectedBy(calls, () => 'all').get('all'));
  });

  it('prices spans without llmtel.usage.cost_usd from the core pricing table; skips non-billable spans', async () => {
    const calls: GenAiCall[] = [
      { user: 'priced', model: 'gpt-4o', input: 10_000, output: 2_000, cacheRead: 4_000, time: today + 1000 },
      { user: 'priced', model: 'gpt-4o', input: 1, output: 1, costUsd: 1.5, time: today + 2000 },
      { user: 'priced', model: 'gpt-4o', input: 500, output: 500, billable: false, costUsd: 9, time: today + 3000 },
      { user: 'priced', model: 'no-such-model-xyz', input: 100, output: 100, time: today + 4000 },
    ];
    const res = await postTraces(svc.url, toProtobuf(await makeSpans(calls)));
    assert.equal(res.status, 200);
    const priced = PricingTable.defaults().cost('openai', 'gpt-4o', {
      inputTokens: 10_000,
      outputTokens: 2_000,
      cacheReadInputTokens: 4_000,
    });
    assert.ok(priced !== undefined && priced > 0);
    const report = await usage(svc, 'priced', today, today + DAY);
    assert.equal(report.totals.requests, 3, 'the non-billable wrapper span is not counted');
    assert.equal(report.totals.input_tokens, 10_101);
    // Unknown model: counted, with no made-up cost.
    assert.equal(report.totals.cost_usd, (Math.round(priced * 1e6) + 1_500_000) / 1e6);
  });

  it('skips large message content without storing it and still counts the call', async () => {
    const calls: GenAiCall[] = [
      {
        user: 'content',
        model: 'gpt-4o',
        input: 7,
        output: 3,
        costUsd: 0.001,
        content: 'y'.repeat(500_000),
        time: today + 5,
      },
    ];
    const res = await postTraces(svc.url, toProtobuf(await makeSpans(calls)), { gzip: true });
    assert.equal(res.status, 200);
    assert.equal((await usage(svc, 'content', today, today + DAY)).totals.input_tokens, 7);
    const keys = await svc.client.keys('*content*');
    for (const key of keys) {
      const type = await svc.client.type(key);
      if (type === 'hash') {
        const values = Object.values(await svc.client.hgetall(key));
        assert.ok(values.every((v) => !v.includes('yyyy')));
      }
    }
  });

  it('reports spans with invalid ids as OTLP partial success (protobuf), storing the rest', async () => {
    const calls = randomCalls(4, 3, ['partial-pb'], today, 1);
    const spans = await makeSpans(calls);
    // Corrupt two spans' ids the way a broken sender would: a short trace id and an all-zero span id.
    const bad0 = spans[0]!.spanContext();
    const bad1 = spans[1]!.spanContext();
    Object.assign(bad0, { traceId: 'abcd' });
    Object.assign(bad1, { spanId: '0000000000000000' });
    const res = await postTraces(svc.url, toProtobuf(spans));
    assert.equal(res.status, 200);
    // Decoded with the real OTLP response deserializer.
    const decoded = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(res.body));
    assert.equal(Number(decoded.partialSuccess?.rejectedSpans), 2);
    assert.match(decoded.partialSuccess?.errorMessage ?? '', /invalid trace or span id/);
    const report = await usage(svc, 'partial-pb', today - 2 * DAY, today + DAY);
    assert.deepEqual(report.totals, expectedBy(calls.slice(2), () => 'x').get('x'));
  });

  it('reports spans with invalid ids as OTLP partial success (JSON)', async () => {
    const calls = randomCalls(3, 4, ['partial-json'], today, 1);
    const body = JSON.parse(toJson(await makeSpans(calls)).toString()) as {
      resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[];
    };
    body.resourceSpans[0]!.scopeSpans[0]!.spans[2]!.traceId = 'not-hex-at-all-not-hex-at-all-!!';
    const res = await postTraces(svc.url, Buffer.from(JSON.stringify(body)), { json: true });
    assert.equal(res.status, 200);
    const json = JSON.parse(res.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(json.partialSuccess.rejectedSpans, '1');
    const report = await usage(svc, 'partial-json', today - 2 * DAY, today + DAY);
    assert.deepEqual(report.totals, expectedBy(calls.slice(0, 2), () => 'x').get('x'));
  });

  it('dates a span without end time by its start time, and rejects a span with neither', async () => {
    const calls = randomCalls(2, 5, ['times'], today, 1);
    const body = JSON.parse(toJson(await makeSpans(calls)).toString()) as {
      resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
    };
    const [first, second] = body.resourceSpans[0]!.scopeSpans[0]!.spans;
    delete first!.endTimeUnixNano;
    delete second!.endTimeUnixNano;
    delete second!.startTimeUnixNano;
    const res = await postTraces(svc.url, Buffer.from(JSON.stringify(body)), { json: true });
    const json = JSON.parse(res.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(json.partialSuccess.rejectedSpans, '1');
    assert.match(json.partialSuccess.errorMessage, /no start or end time/);
    const report = await usage(svc, 'times', today - 2 * DAY, today + DAY, 'day');
    assert.deepEqual(report.totals, expectedBy(calls.slice(0, 1), () => 'x').get('x'));
    // The start time is 1.5 s before the end time the call was generated with: same UTC day unless right at midnight.
    assert.deepEqual(
      report.groups.filter((g) => g.requests > 0).map((g) => g.key),
      [utcDay(calls[0]!.time - 1500)],
    );
  });

  it('serves /healthz and /readyz', async () => {
    assert.equal((await svc.api('/healthz', { token: null })).status, 200);
    const ready = await svc.api('/readyz', { token: null });
    assert.equal(ready.status, 200);
    assert.equal(ready.body.toString(), 'ready\n');
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenCallback } from '@llmtel/usage';
import { startUsageExporter, type UsageExporter } from '@llmtel/usage-exporter';
import type { LlmEndEvent } from '@llmtel/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  expectedBy,
  makeSpans,
  postTraces,
  prng,
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
const FROM = utcDay(today - 3 * DAY);
const TO = utcDay(today + DAY);

function shuffle<T>(xs: T[], seed: number): T[] {
  const rand = prng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** The LlmEndEvent the in-process path sees for the call that produced `span`. */
function endEvent(call: GenAiCall, span: ReadableSpan): LlmEndEvent {
  const { traceId, spanId } = span.spanContext();
  return {
    provider: call.provider ?? 'openai',
    operation: 'chat',
    requestModel: call.model,
    responseModel: call.model,
    streaming: false,
    attribution: { userId: call.user },
    requestAttributes: {},
    startTime: call.time - 1500,
    durationMs: 1500,
    usage: {
      inputTokens: call.input,
      outputTokens: call.output,
      cacheReadInputTokens: call.cacheRead,
      reasoningOutputTokens: call.reasoning,
    },
    costUsd: call.costUsd,
    callId: `${traceId}-${spanId}`,
    billable: true,
  };
}

describe('exactly-once counting', () => {
  let svc: Service;
  let second: UsageExporter;
  before(async () => {
    svc = await startService();
    second = await startUsageExporter({ redisUrl: svc.redis.url, host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await second.shutdown();
    await svc.close();
  });

  async function assertTotals(users: string[], calls: GenAiCall[]): Promise<void> {
    const expected = expectedBy(calls, (c) => c.user!);
    for (const user of users) {
      const res = await svc.api(`/v1/usage?user=${user}&from=${FROM}&to=${TO}&group_by=model`);
      const report = JSON.parse(res.body.toString()) as { totals: Totals; groups: (Totals & { key: string })[] };
      assert.deepEqual(report.totals, expected.get(user), `totals of ${user}`);
      const perModel = expectedBy(
        calls.filter((c) => c.user === user),
        (c) => c.model,
      );
      for (const { key, ...t } of report.groups) assert.deepEqual(t, perModel.get(key), `${user} / ${key}`);
    }
  }

  it('counts a batch sent twice once; the second answer is still 200', async () => {
    const users = ['twice-a', 'twice-b'];
    const calls = randomCalls(200, 10, users, today);
    const body = toProtobuf(await makeSpans(calls));
    assert.equal((await postTraces(svc.url, body)).status, 200);
    const dupBefore = svc.exporter.metrics.duplicatesSkipped.get();
    assert.equal((await postTraces(svc.url, body)).status, 200);
    assert.equal(svc.exporter.metrics.duplicatesSkipped.get() - dupBefore, 200);
    await assertTotals(users, calls);
  });

  it('counts once when the same spans come again in other batches, in other orders and encodings', async () => {
    const users = ['order-a', 'order-b', 'order-c'];
    const calls = randomCalls(240, 11, users, today);
    const spans = await makeSpans(calls);
    assert.equal((await postTraces(svc.url, toProtobuf(spans))).status, 200);
    for (const [i, batch] of chunks(shuffle(spans, 5), 70).entries()) {
      const res = await postTraces(svc.url, i % 2 ? toJson(batch) : toProtobuf(batch), {
        json: i % 2 === 1,
        gzip: true,
      });
      assert.equal(res.status, 200);
    }
    // One batch holding every span twice.
    const doubled = shuffle([...spans, ...spans], 6);
    assert.equal((await postTraces(svc.url, toProtobuf(doubled))).status, 200);
    await assertTotals(users, calls);
  });

  it('counts once when two exporters and the in-process path deliver the same calls concurrently', async () => {
    const users = ['conc-a', 'conc-b', 'conc-c', 'conc-d'];
    // Successful calls only: the in-process LlmEndEvent carries no error type, and a failed call's missing cost would
    // make the two paths disagree (the exporter prices a span without a cost from the table, the event path cannot),
    // so the totals would depend on which path wrote the call first.
    const calls = randomCalls(400, 12, users, today).filter((c) => c.error === undefined);
    const spans = await makeSpans(calls);
    const secondUrl = second.address!.url;
    const written = () => svc.exporter.metrics.recordsWritten.get() + second.metrics.recordsWritten.get();
    const skipped = () => svc.exporter.metrics.duplicatesSkipped.get() + second.metrics.duplicatesSkipped.get();
    const writtenBefore = written();
    const skippedBefore = skipped();
    const callback = createTokenCallback(svc.store);
    const sends: Promise<unknown>[] = [];
    const orderA = chunks(shuffle(spans, 1), 64);
    const orderB = chunks(shuffle(spans, 2), 100);
    for (let i = 0; i < Math.max(orderA.length, orderB.length); i++) {
      if (orderA[i]) sends.push(postTraces(svc.url, toProtobuf(orderA[i]!)));
      if (orderB[i]) sends.push(postTraces(secondUrl, toJson(orderB[i]!), { json: true, gzip: true }));
    }
    const byId = new Map(spans.map((s, i) => [s, calls[i]!]));
    for (const span of shuffle(spans, 3))
      sends.push(Promise.resolve(callback.onLlmEnd(endEvent(byId.get(span)!, span))));
    const results = await Promise.all(sends);
    for (const r of results) if (r && typeof r === 'object' && 'status' in r) assert.equal(r.status, 200);
    await assertTotals(users, calls);
    // Both exporters handled every span; between them they applied each call at most once, the rest were duplicates.
    const applied = written() - writtenBefore;
    const duplicates = skipped() - skippedBefore;
    assert.equal(applied + duplicates, 2 * calls.length);
    assert.ok(applied <= calls.length, `exporters applied ${applied}`);
    // One dedupe member per call, whoever wrote it, in the user's set of the call's day (which also holds '').
    let markers = 0;
    for (const user of users) {
      for (const key of await svc.client.keys(`llmtel:{u:${user}}:dd:*`)) markers += (await svc.client.scard(key)) - 1;
    }
    assert.equal(markers, calls.length);
  });
});

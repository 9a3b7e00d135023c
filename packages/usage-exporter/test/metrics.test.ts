import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  expectedBy,
  httpRequest,
  makeSpans,
  postTraces,
  randomCalls,
  toProtobuf,
  type GenAiCall,
} from './helpers/spans.ts';
import { startService, type Service } from './helpers/service.ts';

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;

/** Parses Prometheus text into `name{labels}` → value, checking every line is well-formed. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    assert.ok(m, `malformed metrics line: ${line}`);
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

describe('/metrics', () => {
  let svc: Service;
  let calls: GenAiCall[];
  const users = Array.from({ length: 30 }, (_, i) => `m-user-${String(i).padStart(2, '0')}`);
  before(async () => {
    svc = await startService({ metricsTopUsers: 5 });
    calls = randomCalls(600, 51, users, today, 1).map((c) => ({ ...c, time: Math.min(c.time, Date.now()) }));
    const spans = await makeSpans(calls);
    assert.equal((await postTraces(svc.url, toProtobuf(spans))).status, 200);
    assert.equal((await postTraces(svc.url, toProtobuf(spans.slice(0, 100)))).status, 200);
    assert.equal((await postTraces(svc.url, Buffer.from([0x0f]))).status, 400);
  });
  after(() => svc.close());

  it('counts spans received/accepted, records written, duplicates, requests and Redis latency', async () => {
    const res = await httpRequest(`${svc.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const m = parseMetrics(res.body.toString());
    assert.equal(m.get('llmtel_usage_exporter_spans_received_total'), 700);
    assert.equal(m.get('llmtel_usage_exporter_spans_accepted_total'), 700);
    assert.equal(m.get('llmtel_usage_exporter_records_written_total'), 600);
    assert.equal(m.get('llmtel_usage_exporter_duplicates_skipped_total'), 100);
    assert.equal(m.get('llmtel_usage_exporter_http_requests_total{route="traces",code="200"}'), 2);
    assert.equal(m.get('llmtel_usage_exporter_http_requests_total{route="traces",code="400"}'), 1);
    assert.equal(m.get('llmtel_usage_exporter_redis_latency_seconds_count{operation="record_batch"}'), 2);
    assert.equal(m.get('llmtel_usage_exporter_redis_latency_seconds_bucket{operation="record_batch",le="+Inf"}'), 2);
    assert.equal(m.get('llmtel_usage_exporter_redis_errors_total'), 0);
  });

  it('exposes the top-N users by cycle cost as a bounded gauge, never one series per user', async () => {
    const m = parseMetrics((await httpRequest(`${svc.url}/metrics`)).body.toString());
    const series = [...m].filter(([k]) => k.startsWith('llmtel_usage_top_user_cost_usd{'));
    assert.equal(series.length, 5);
    const expected = [...expectedBy(calls, (c) => c.user!)]
      .sort(([, a], [, b]) => b.cost_usd - a.cost_usd)
      .slice(0, 5)
      .map(([user, t], i) => [`llmtel_usage_top_user_cost_usd{rank="${i + 1}",user="${user}"}`, t.cost_usd]);
    assert.deepEqual(series, expected);
  });
});

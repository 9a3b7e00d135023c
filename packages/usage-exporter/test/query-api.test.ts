import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectedBy, makeSpans, postTraces, randomCalls, toProtobuf, type GenAiCall } from './helpers/spans.ts';
import { startService, type Service } from './helpers/service.ts';

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;

describe('query API', () => {
  let svc: Service;
  let calls: GenAiCall[];
  before(async () => {
    svc = await startService({ storeOptions: { keyPrefix: 'qapi' } });
    // All today, so they fall in the current billing cycle whatever the date.
    calls = randomCalls(150, 41, ['q-alice', 'q-bob', 'q-carol', 'q-dave'], today, 1).map((c) => ({
      ...c,
      time: Math.min(c.time, Date.now()),
    }));
    const res = await postTraces(svc.url, toProtobuf(await makeSpans(calls)));
    assert.equal(res.status, 200);
  });
  after(() => svc.close());

  const json = async (path: string, init?: Parameters<Service['api']>[1]) => {
    const res = await svc.api(path, init);
    return { status: res.status, body: res.body.length ? JSON.parse(res.body.toString()) : undefined };
  };

  it('GET /v1/usage without dates reports the current billing cycle, in the documented shape', async () => {
    const { status, body } = await json('/v1/usage?user=q-alice&group_by=provider');
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body), ['user', 'from', 'to', 'totals', 'groups']);
    assert.equal(body.user, 'q-alice');
    assert.ok(new Date(body.from).getTime() <= Date.now() && Date.now() < new Date(body.to).getTime());
    assert.deepEqual(Object.keys(body.totals), [
      'requests',
      'errors',
      'input_tokens',
      'output_tokens',
      'cache_read_tokens',
      'cache_write_tokens',
      'reasoning_tokens',
      'cost_usd',
      'cost_unknown_requests',
    ]);
    assert.deepEqual(body.totals, expectedBy(calls, (c) => c.user!).get('q-alice'));
    const perProvider = expectedBy(
      calls.filter((c) => c.user === 'q-alice'),
      (c) => c.provider!,
    );
    for (const g of body.groups as { key: string }[]) {
      const { key, ...t } = g;
      assert.deepEqual(t, perProvider.get(key));
    }
  });

  it('GET /v1/usage validates its parameters', async () => {
    assert.equal((await json('/v1/usage')).status, 400);
    assert.match((await json('/v1/usage?user=a&group_by=hour')).body.error, /group_by must be one of/);
    assert.equal((await json('/v1/usage?user=a&from=yesterday')).status, 400);
    assert.equal((await json('/v1/usage?user=a&from=2026-05-02&to=2026-05-01')).status, 400);
    assert.equal((await json('/v1/usage?user=a&from=1900-01-01&to=2026-01-01')).status, 400);
    assert.equal((await json('/v1/usage/nope')).status, 404);
    assert.equal((await json('/v1/usage', { method: 'POST', body: '{}' })).status, 405);
  });

  it('GET /v1/usage/users?top=N&by=cost|tokens ranks users of the current cycle', async () => {
    const expected = expectedBy(calls, (c) => c.user!);
    const byCost = [...expected].sort(([, a], [, b]) => b.cost_usd - a.cost_usd).map(([u]) => u);
    const { body } = await json('/v1/usage/users?top=2&by=cost');
    assert.equal(body.by, 'cost');
    assert.deepEqual(
      body.users.map((u: { user: string }) => u.user),
      byCost.slice(0, 2),
    );
    const tokens = [...expected]
      .sort(([, a], [, b]) => b.input_tokens + b.output_tokens - (a.input_tokens + a.output_tokens))
      .map(([u]) => u);
    const byTokens = await json('/v1/usage/users?top=10&by=tokens');
    assert.deepEqual(
      byTokens.body.users.map((u: { user: string }) => u.user),
      tokens,
    );
    assert.equal((await json('/v1/usage/users?by=requests')).status, 400);
    assert.equal((await json('/v1/usage/users?top=0')).status, 400);
  });

  it('GET /v1/usage/models, /agents and /count list what was recorded', async () => {
    assert.deepEqual(
      (await json('/v1/usage/models')).body.models.sort(),
      [...new Set(calls.map((c) => c.model))].sort(),
    );
    assert.deepEqual(
      (await json('/v1/usage/agents')).body.agents.sort(),
      [...new Set(calls.flatMap((c) => (c.agent ? [c.agent] : [])))].sort(),
    );
    assert.deepEqual((await json('/v1/usage/count')).body, { users: 4 });
  });

  it('GET|PUT|DELETE /v1/limits/{user}', async () => {
    const user = encodeURIComponent('team/x@example.com');
    assert.equal((await json(`/v1/limits/${user}`)).status, 404);
    const put = await json(`/v1/limits/${user}`, { method: 'PUT', body: '{"tokens": 1000000, "cost_usd": 25.5}' });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, { user: 'team/x@example.com', tokens: 1_000_000, cost_usd: 25.5 });
    assert.deepEqual((await json(`/v1/limits/${user}`)).body, put.body);
    // The store sees the same limits the API set.
    assert.deepEqual(await svc.store.getLimits('team/x@example.com'), { tokens: 1_000_000, costUsd: 25.5 });

    for (const bad of [
      '{}',
      '{"tokens": -1}',
      '{"tokens": 1.5}',
      '{"cost_usd": "5"}',
      '{"tokenz": 5}',
      '[1]',
      'nope',
    ]) {
      assert.equal((await json(`/v1/limits/${user}`, { method: 'PUT', body: bad })).status, 400, bad);
    }
    assert.deepEqual((await json(`/v1/limits/${user}`)).body, put.body, 'rejected updates changed nothing');

    assert.equal((await json(`/v1/limits/${user}`, { method: 'DELETE' })).status, 204);
    assert.equal((await json(`/v1/limits/${user}`)).status, 404);
    assert.equal(await svc.store.getLimits('team/x@example.com'), undefined);
    assert.equal((await json('/v1/limits/a/b')).status, 404);
    assert.equal((await json('/v1/limits/%E0%A4%A')).status, 400);
    assert.equal((await json('/v1/limits/a', { method: 'POST', body: '{}' })).status, 405);
  });
});

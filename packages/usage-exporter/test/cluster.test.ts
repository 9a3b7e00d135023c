import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startUsageExporter, type UsageExporter } from '@llmtel/usage-exporter';
import { RedisCluster } from '../../usage/test/helpers/redis.ts';
import {
  expectedBy,
  httpRequest,
  makeSpans,
  postTraces,
  randomCalls,
  toProtobuf,
  utcDay,
  type Totals,
} from './helpers/spans.ts';

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const TOKEN = 'cluster-token';

describe('Redis Cluster', () => {
  let cluster: RedisCluster;
  let exporter: UsageExporter;
  before(async () => {
    cluster = await RedisCluster.start(3);
    const nodes = cluster.startupNodes.map((n) => `${n.host}:${n.port}`).join(',');
    exporter = await startUsageExporter({ redisUrl: `redis://${nodes}`, host: '127.0.0.1', port: 0, apiToken: TOKEN });
  });
  after(async () => {
    await exporter?.shutdown();
    await cluster?.stop();
  });

  it('stores batches whose users hash to different slots, from a comma-separated node list', async () => {
    const users = Array.from({ length: 12 }, (_, i) => `cl-user-${i}`);
    const calls = randomCalls(300, 81, users, today);
    const spans = await makeSpans(calls);
    const url = exporter.address!.url;
    assert.equal((await postTraces(url, toProtobuf(spans))).status, 200);
    assert.equal((await postTraces(url, toProtobuf(spans.slice(0, 50)))).status, 200);
    const expected = expectedBy(calls, (c) => c.user!);
    for (const user of users) {
      const res = await httpRequest(
        `${url}/v1/usage?user=${user}&from=${utcDay(today - 3 * DAY)}&to=${utcDay(today + DAY)}`,
        { headers: { Authorization: `Bearer ${TOKEN}` } },
      );
      assert.equal(res.status, 200, res.body.toString());
      assert.deepEqual((JSON.parse(res.body.toString()) as { totals: Totals }).totals, expected.get(user), user);
    }
    assert.equal(exporter.metrics.duplicatesSkipped.get(), 50);
    assert.equal((await httpRequest(`${url}/readyz`)).status, 200);
  });
});

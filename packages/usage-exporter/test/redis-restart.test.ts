import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  expectedBy,
  makeSpans,
  postTraces,
  postUntilAccepted,
  randomCalls,
  toProtobuf,
  utcDay,
  type Totals,
} from './helpers/spans.ts';
import { startService, type Service } from './helpers/service.ts';

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;

describe('Redis killed and restarted while a sender retries', () => {
  let svc: Service;
  before(async () => {
    // `always`: Redis writes and fsyncs the AOF before it replies. Under `everysec` Redis may postpone the AOF write
    // by up to 2 s while a background fsync lags, yet still reply, so a crash can lose acknowledged writes — Redis's
    // documented trade-off (https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/), which this
    // test must not mistake for ours. Deployments that need no loss across a Redis crash want `always` too.
    svc = await startService({ retryAfterSeconds: 1 }, { appendonly: true, appendfsync: 'always' });
  });
  after(() => svc.close());

  it('answers 503 with Retry-After while Redis is down, and loses or doubles nothing', async () => {
    const users = ['r-a', 'r-b', 'r-c'];
    const calls = randomCalls(1200, 21, users, today);
    const spans = await makeSpans(calls);
    const bodies: Buffer[] = [];
    for (let i = 0; i < spans.length; i += 100) bodies.push(toProtobuf(spans.slice(i, i + 100)));

    // The first batches reach Redis and are acknowledged.
    for (const body of bodies.slice(0, 4)) assert.equal((await postTraces(svc.url, body)).status, 200);

    // Crash Redis: acknowledged data must survive through the AOF; new batches must be refused, not acknowledged.
    await svc.redis.kill();
    const refused = await postTraces(svc.url, bodies[4]!);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal((await svc.api('/readyz', { token: null })).status, 503);
    assert.equal((await svc.api('/healthz', { token: null })).status, 200, 'the service itself stays up');

    // A sender retrying on 503 (as the collector's queue does) while Redis comes back after a while.
    const restart = new Promise<void>((resolve, reject) => {
      setTimeout(() => void svc.redis.restart().then(resolve, reject), 700);
    });
    let retried = 0;
    for (const body of bodies.slice(4)) {
      const { result, attempts } = await postUntilAccepted(svc.url, body, { attempts: 400, delayMs: 25 });
      assert.equal(result.status, 200);
      retried += attempts - 1;
    }
    await restart;
    assert.ok(retried > 0, 'some batches had to be retried');

    const expected = expectedBy(calls, (c) => c.user!);
    const assertTotals = async (when: string) => {
      for (const user of users) {
        const res = await svc.api(`/v1/usage?user=${user}&from=${utcDay(today - 3 * DAY)}&to=${utcDay(today + DAY)}`);
        assert.equal(res.status, 200);
        assert.deepEqual(
          (JSON.parse(res.body.toString()) as { totals: Totals }).totals,
          expected.get(user),
          `${user} ${when}`,
        );
      }
    };
    // Before any replay: what was acknowledged before the crash came back from the AOF, nothing counted twice.
    await assertTotals('after the restart');

    // Replaying everything (a collector that lost its acknowledgements) changes nothing.
    for (const body of bodies) assert.equal((await postUntilAccepted(svc.url, body)).result.status, 200);
    await assertTotals('after the replay');
    assert.equal((await svc.api('/readyz', { token: null })).status, 200);
  });
});

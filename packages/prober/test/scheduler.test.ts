import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Scheduler, type MonitorConfig, type ProberConfig } from '@llmtel/prober';
import { manualClock } from './helpers/clock.ts';
import { captureLogger } from './helpers/logs.ts';

function monitors(n: number): MonitorConfig[] {
  return Array.from({ length: n }, (_, i) => ({
    provider: 'p',
    service: `s${i}`,
    url: 'http://127.0.0.1:9/',
    method: 'GET',
    headers: {},
    body: undefined,
    apiKey: undefined,
    timeoutMs: 50,
    slowThresholdMs: 10,
  }));
}

function config(over: Partial<ProberConfig> = {}): ProberConfig {
  return {
    intervalMs: 100,
    timeoutMs: 50,
    slowThresholdMs: 10,
    concurrency: 8,
    jitterMs: 0,
    monitors: monitors(1),
    ...over,
  };
}

/** A probe function whose calls stay pending until the test settles them. */
function controlledProbe() {
  const calls: { service: string; settle: () => void }[] = [];
  let active = 0;
  let maxActive = 0;
  return {
    calls,
    get maxActive() {
      return maxActive;
    },
    get active() {
      return active;
    },
    probe(m: MonitorConfig): Promise<void> {
      active++;
      maxActive = Math.max(maxActive, active);
      return new Promise<void>((resolve) => {
        calls.push({
          service: m.service,
          settle: () => {
            active--;
            resolve();
          },
        });
      });
    },
  };
}

describe('scheduler', () => {
  it('never runs two probes of the same monitor at once: a round that finds it busy skips it', async () => {
    const clock = manualClock();
    const p = controlledProbe();
    const skipped: string[] = [];
    const s = new Scheduler({
      clock,
      logger: captureLogger(),
      getConfig: () => config(),
      probe: (m) => p.probe(m),
      onSkip: (m) => skipped.push(m.service),
    });
    s.start();
    await clock.advance(0);
    assert.equal(p.calls.length, 1);
    await clock.advance(100);
    await clock.advance(100);
    assert.equal(p.calls.length, 1, 'still one probe: the first has not finished');
    assert.deepEqual(skipped, ['s0', 's0']);
    p.calls[0]!.settle();
    await clock.advance(100);
    assert.equal(p.calls.length, 2, 'probed again once the previous probe finished');
    p.calls[1]!.settle();
    await s.stop();
  });

  it('keeps at most `concurrency` probes in flight and runs the queued ones as slots free up', async () => {
    const clock = manualClock();
    const p = controlledProbe();
    const s = new Scheduler({
      clock,
      logger: captureLogger(),
      getConfig: () => config({ concurrency: 2, monitors: monitors(5), intervalMs: 10_000 }),
      probe: (m) => p.probe(m),
    });
    s.start();
    await clock.advance(0);
    assert.deepEqual(
      p.calls.map((c) => c.service),
      ['s0', 's1'],
    );
    for (let i = 0; i < 5; i++) {
      assert.ok(p.active <= 2);
      p.calls[i]!.settle();
      await clock.advance(0);
    }
    assert.deepEqual(
      p.calls.map((c) => c.service),
      ['s0', 's1', 's2', 's3', 's4'],
    );
    assert.equal(p.maxActive, 2);
    await s.stop();
  });

  it('spreads a round with jitter so monitors do not fire together', async () => {
    const clock = manualClock();
    const p = controlledProbe();
    const draws = [0.9, 0.1, 0.5];
    const s = new Scheduler({
      clock,
      random: () => draws.shift() ?? 0,
      logger: captureLogger(),
      getConfig: () => config({ jitterMs: 40, monitors: monitors(3), intervalMs: 1_000 }),
      probe: (m) => p.probe(m),
    });
    s.start();
    await clock.advance(3);
    assert.equal(p.calls.length, 0, 'nobody fires at the round start');
    await clock.advance(1);
    assert.deepEqual(
      p.calls.map((c) => c.service),
      ['s1'],
    );
    await clock.advance(16);
    await clock.advance(16);
    assert.deepEqual(
      p.calls.map((c) => c.service),
      ['s1', 's2', 's0'],
    );
    p.calls.forEach((c) => c.settle());
    await s.stop();
  });

  it('moves the pending round when the interval changes, timed from the last round start', async () => {
    const clock = manualClock();
    const p = controlledProbe();
    let current = config({ intervalMs: 100 });
    const rounds: { at: number; intervalMs: number }[] = [];
    const start = clock.now();
    const s = new Scheduler({
      clock,
      logger: captureLogger(),
      getConfig: () => current,
      probe: (m) => p.probe(m).then(() => undefined),
      onRound: (r) => rounds.push({ at: r.startedAt - start, intervalMs: r.intervalMs }),
    });
    s.start();
    await clock.advance(30);
    current = config({ intervalMs: 300 });
    s.reschedule();
    p.calls.forEach((c) => c.settle());
    await clock.advance(269);
    assert.deepEqual(rounds, [{ at: 0, intervalMs: 100 }], 'the old 100 ms slot was dropped');
    await clock.advance(1);
    await clock.advance(300);
    assert.deepEqual(rounds, [
      { at: 0, intervalMs: 100 },
      { at: 300, intervalMs: 300 },
      { at: 600, intervalMs: 300 },
    ]);
    p.calls.forEach((c) => c.settle());
    await s.stop();
  });

  it('stop() drops queued probes, schedules nothing more and waits for the running ones', async () => {
    const clock = manualClock();
    const p = controlledProbe();
    const s = new Scheduler({
      clock,
      logger: captureLogger(),
      getConfig: () => config({ concurrency: 1, monitors: monitors(3) }),
      probe: (m) => p.probe(m),
    });
    s.start();
    await clock.advance(0);
    assert.equal(p.calls.length, 1);
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await clock.advance(0);
    assert.equal(stopped, false, 'waits for the probe in flight');
    p.calls[0]!.settle();
    await stopping;
    await clock.advance(1_000);
    assert.equal(p.calls.length, 1, 'queued probes were dropped and no round ran after stop');
    assert.equal(clock.pending(), 0, 'no timer left behind');
  });
});

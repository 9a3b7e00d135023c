import { type Clock } from '@llmtel/prober';

/** A clock that only moves when told to; timers fire in time order during advance(). */
export interface ManualClock extends Clock {
  advance(ms: number): Promise<void>;
  pending(): number;
}

export function manualClock(start = 1_700_000_000_000): ManualClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; seq: number; cb: () => void }>();
  const flush = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return {
    now: () => now,
    setTimeout(cb, ms) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), seq: id, cb });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      const target = now + ms;
      await flush();
      for (let guard = 0; guard < 10_000; guard++) {
        const next = [...timers.entries()]
          .filter(([, t]) => t.at <= target)
          .sort(([, a], [, b]) => a.at - b.at || a.seq - b.seq)[0];
        if (next === undefined) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].cb();
        await flush();
      }
      now = target;
      await flush();
    },
    pending: () => timers.size,
  };
}

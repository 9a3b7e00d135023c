import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * V8's `gc()`, exposed from inside the process: the root test command passes no node flags. Each test file runs in
 * its own process, so the flag stays with the file that asks for it.
 */
export function exposedGc(): () => void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  return gc;
}

/**
 * Collects garbage until `done()` holds, pausing `pauseMs` after each collection so that finalizers (and I/O) run;
 * bounded: throws after 200 rounds.
 */
export async function collectGarbageUntil(done: () => boolean, pauseMs = 10): Promise<void> {
  const collect = exposedGc();
  for (let i = 0; i < 200; i++) {
    collect();
    await sleep(pauseMs);
    if (done()) return;
  }
  throw new Error('the condition did not hold after 200 collections');
}

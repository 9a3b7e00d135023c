import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` every 20 ms until it returns a truthy value; fails after `timeoutMs` (a bound, not a timing claim). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

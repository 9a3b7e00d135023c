import { diag } from '@opentelemetry/api';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Resolves when `work` settles or after `timeoutMillis`, whichever is first; never rejects. */
export function bounded(work: () => Promise<void>, timeoutMillis: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      diag.warn(`llmtel: telemetry flush did not finish within ${timeoutMillis} ms; exiting anyway`);
      resolve();
    }, timeoutMillis);
    timer.unref();
    let pending: Promise<void>;
    try {
      pending = work();
    } catch (err) {
      pending = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    pending
      .catch((err: unknown) => diag.error('llmtel: telemetry flush failed', err))
      .finally(() => {
        clearTimeout(timer);
        resolve();
      });
  });
}

/**
 * Flushes telemetry when the process ends: on `beforeExit` (the event loop ran dry) and on SIGTERM/SIGINT. A signal
 * listener replaces Node's default "terminate" action, so when ours is the only listener we re-raise the signal after
 * the (bounded) flush, and the process dies exactly as it would have without us. When the app has its own listener,
 * the app decides what happens and we only flush.
 * https://nodejs.org/api/process.html#signal-events
 *
 * Returns a function that removes the listeners.
 */
export function installExitHooks(
  flush: () => Promise<void>,
  shutdown: () => Promise<void>,
  timeoutMillis: number,
): () => void {
  let exiting = false;

  const onBeforeExit = (): void => {
    // Our async shutdown schedules work, so `beforeExit` fires again once it is done: only act the first time.
    if (exiting) return;
    exiting = true;
    void bounded(shutdown, timeoutMillis);
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) {
      void bounded(flush, timeoutMillis);
      return;
    }
    const reraise = (): void => {
      remove();
      process.kill(process.pid, signal);
    };
    // A second Ctrl-C while flushing means "stop now".
    if (exiting) return reraise();
    exiting = true;
    void bounded(shutdown, timeoutMillis).then(reraise);
  };

  process.on('beforeExit', onBeforeExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);

  function remove(): void {
    process.removeListener('beforeExit', onBeforeExit);
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  }
  return remove;
}

// `node --require @llmtel/node/register app.js`
import { isMainThread } from 'node:worker_threads';
import type * as Common from './register-common.js';
import { sdkSlot } from './slot.js';

/** Start-up must never take the app down, not even when a dependency is missing from a broken install. */
export function reportLoadFailure(err: unknown): void {
  const slot = sdkSlot();
  if (slot.failureLogged) return;
  slot.failureLogged = true;
  console.error('llmtel: could not start telemetry; the app runs uninstrumented:', err);
}

// Worker threads inherit --require/--import but share nothing with the main thread's SDK (see register-common.ts).
if (isMainThread) {
  try {
    // Loaded here rather than imported, so that a failure to load the SDK is caught too.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('./register-common.js') as typeof Common).registerFromEnv();
  } catch (err) {
    reportLoadFailure(err);
  }
}

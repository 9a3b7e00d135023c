import { isMainThread } from 'node:worker_threads';
import { reportStartFailure, start } from './start.js';

/**
 * What `--require`/`--import @llmtel/node/register` do: start from the environment, never throw. Worker threads
 * inherit `--require`/`--import` from the main thread but share nothing with its SDK: starting a second SDK there
 * would export duplicate resource identities and hold the worker open, so they are skipped.
 */
export function registerFromEnv(): void {
  if (!isMainThread) return;
  try {
    start();
  } catch (err) {
    reportStartFailure(err);
  }
}

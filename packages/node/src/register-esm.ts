// `node --import @llmtel/node/register app.mjs`: also hooks ES module imports.
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { registerEsmLoader } from './esm-loader-esm.js';
import { sdkSlot } from './slot.js';

// The SDK runs from the CJS build, the same copy `--require` and the instrumentations use: one copy of every
// OpenTelemetry package in the process, loaded by the faster CommonJS loader.
try {
  createRequire(import.meta.url)('@llmtel/node/register');
} catch (err) {
  const slot = sdkSlot();
  if (!slot.failureLogged) console.error('llmtel: could not start telemetry; the app runs uninstrumented:', err);
  slot.failureLogged = true;
}
if (isMainThread) await registerEsmLoader();

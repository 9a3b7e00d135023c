import type * as Api from '@opentelemetry/api';
import { createRequire, register } from 'node:module';
import { sdkSlot } from './slot.js';

/**
 * Registers import-in-the-middle's loader hook so the instrumentations can patch ES modules, limited to the packages
 * they patch (wrapping every module would slow the app's start-up and risk breaking unrelated modules). Node versions
 * with working synchronous hooks (`module.registerHooks`) run it in-thread; older ones use the off-thread
 * `module.register` loader. https://github.com/nodejs/import-in-the-middle#synchronous-loader-hooks
 */
export async function registerEsmLoader(): Promise<void> {
  const slot = sdkSlot();
  const include = slot.esmInclude ?? [];
  if (slot.esmLoaderRegistered || !slot.handle?.enabled || include.length === 0) return;
  slot.esmLoaderRegistered = true;
  try {
    const hooks = await import('import-in-the-middle/register-hooks.mjs');
    if (hooks.supportsSyncHooks()) hooks.register({ include });
    else register('import-in-the-middle/hook.mjs', import.meta.url, { data: { include } });
  } catch (err) {
    // The SDK (CJS build) is loaded by now, so this is its @opentelemetry/api copy, not a new one.
    const { diag } = createRequire(import.meta.url)('@opentelemetry/api') as typeof Api;
    diag.error('llmtel: could not register the ES module loader hook; ES module imports will not be traced', err);
  }
}

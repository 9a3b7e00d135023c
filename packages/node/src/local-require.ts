/**
 * `require` for loading the instrumentation packages synchronously (they must patch before the app's first import).
 * Only the CJS build runs this code: the ESM entry points delegate to the CJS build (see index-esm.ts).
 */
export function getLocalRequire(): NodeJS.Require {
  if (typeof require !== 'function') throw new Error('llmtel: instrumentations are loaded by the CommonJS build only');
  return require;
}

/**
 * A `require` that resolves from this package's own files, so the instrumentation packages are found among our
 * dependencies whatever the app's layout. The CJS build has its module `require`; the ESM entry points hand in
 * `createRequire(import.meta.url)` (files shared by both builds cannot use `import.meta`).
 */
let localRequire: NodeJS.Require | undefined = typeof require === 'function' ? require : undefined;

export function setLocalRequire(value: NodeJS.Require): void {
  localRequire ??= value;
}

export function getLocalRequire(): NodeJS.Require {
  if (localRequire === undefined) throw new Error('llmtel: no module loader available to load instrumentations');
  return localRequire;
}

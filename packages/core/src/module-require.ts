/**
 * A `require` anchored at this package, for optional dependencies that are loaded only when needed (the `yaml`
 * parser costs ~20 ms of start-up and is used only for YAML pricing files). The CommonJS build has `require`; the ES
 * module build gets one from its entry point, `index-esm.ts`, because `import.meta` cannot appear in code that is
 * also compiled to CommonJS.
 */
let packageRequire: NodeJS.Require | undefined = typeof require === 'function' ? require : undefined;

export function setPackageRequire(req: NodeJS.Require): void {
  packageRequire ??= req;
}

export function packageRequireOf(): NodeJS.Require {
  if (!packageRequire) throw new Error('llmtel: @llmtel/core was loaded without a module require');
  return packageRequire;
}

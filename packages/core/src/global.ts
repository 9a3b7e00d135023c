/**
 * Process-wide state shared by every copy of @llmtel/core in a process. An app can load both the ESM and the CJS
 * build (for example `--import @llmtel/node/register` plus a CommonJS dependency that requires @llmtel/core), and
 * attribution, callbacks and one-time warnings must not split between the two copies.
 */
export function processSingleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`llmtel.${name}`);
  const holder = globalThis as unknown as Record<symbol, T | undefined>;
  let value = holder[key];
  if (value === undefined) {
    value = create();
    holder[key] = value;
  }
  return value;
}

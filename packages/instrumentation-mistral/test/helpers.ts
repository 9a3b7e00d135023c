import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadFixtureFrom, sdkHarness, type Fixture, type SdkHarness } from '@llmtel/test-utils';
import { MistralInstrumentation } from '@llmtel/instrumentation-mistral';
import type { Mistral as MistralType } from '@mistralai/mistralai';

export { collect, pointsWhere, spansOfScope } from '@llmtel/test-utils';

export type MistralClass = typeof MistralType;
export type MistralClient = InstanceType<MistralClass>;

export const LLMTEL_SCOPE = '@llmtel/instrumentation-mistral';
/** The tracer name of the SDK's own spans (2.3 and later, when the app turns them on). */
export const NATIVE_SCOPE = 'mistralai_sdk_tracer';

/**
 * Where each tested `@mistralai/mistralai` release lives: the current one is this package's devDependency; the
 * oldest supported line is installed in test/compat/<dir> (`npm ci --prefix packages/instrumentation-mistral/test/compat/<dir>`).
 */
export const SDK_DIRS = {
  current: import.meta.url,
  '1.x': new URL('./compat/mistral-1/', import.meta.url).href,
} as const;
export type SdkVersion = keyof typeof SDK_DIRS;

/** A fixture of this package: `test/fixtures/<name>.json` (synthetic, built from the Mistral AI API reference). */
export function mistralFixture(name: string): Fixture {
  return loadFixtureFrom(new URL('./fixtures/', import.meta.url), name);
}

/**
 * `setup(config, version, fakeOptions)`: enables the instrumentation, then loads `@mistralai/mistralai` through
 * `require`, so that the require hook patches it (2.x is an ES module, which Node 22.12+ loads through `require` too;
 * `sdk` is its `Mistral` class), and starts a loopback fake provider. The instrumentation is made once per test
 * process and registered globally: the SDK's own tracing (when a test turns it on in `global` mode) starts its spans
 * from the global tracer provider, so the same exporter sees llmtel's spans and the SDK's.
 */
export const setup = sdkHarness({
  instrumentation: () => new MistralInstrumentation({ enabled: false }),
  otel: { global: true },
  load: loadMistral,
  client: (Mistral: MistralClass, url, options) =>
    new Mistral({ apiKey: 'test-key', serverURL: url, retryConfig: { strategy: 'none' }, ...options }),
});
export type Harness = SdkHarness<MistralInstrumentation, MistralClass, MistralClient>;

export function loadMistral(version: SdkVersion = 'current'): MistralClass {
  return (createRequire(SDK_DIRS[version])('@mistralai/mistralai') as { Mistral: MistralClass }).Mistral;
}

/** The version of the `@mistralai/mistralai` copy a test runs against. */
export function sdkVersionOf(version: SdkVersion): string {
  const req = createRequire(SDK_DIRS[version]);
  const main = req.resolve('@mistralai/mistralai');
  const root = main.slice(
    0,
    main.lastIndexOf('/node_modules/@mistralai/mistralai/') + '/node_modules/@mistralai/mistralai/'.length,
  );
  return (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version;
}

/** Lets the instrumentation settle a call (a claim waits at most one `setImmediate` for the SDK's own span). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

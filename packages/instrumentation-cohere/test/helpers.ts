import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadFixtureFrom, sdkHarness, type Fixture, type SdkHarness } from '@llmtel/test-utils';
import { CohereInstrumentation } from '@llmtel/instrumentation-cohere';
import type { CohereClientV2 as CohereClientV2Type } from 'cohere-ai';

export { collect, pointsWhere, spansOfScope } from '@llmtel/test-utils';

export type CohereClass = typeof CohereClientV2Type;
export type CohereClient = InstanceType<CohereClass>;

export const LLMTEL_SCOPE = '@llmtel/instrumentation-cohere';

/**
 * Where each tested `cohere-ai` release lives: the current one is this package's devDependency; the oldest supported
 * one is installed in test/compat/<dir> (`npm ci --prefix packages/instrumentation-cohere/test/compat/<dir>`).
 */
export const SDK_DIRS = {
  current: import.meta.url,
  '7.14': new URL('./compat/cohere-7.14/', import.meta.url).href,
} as const;
export type SdkVersion = keyof typeof SDK_DIRS;

/** A fixture of this package: `test/fixtures/<name>.json` (synthetic, built from the Cohere API reference). */
export function cohereFixture(name: string): Fixture {
  return loadFixtureFrom(new URL('./fixtures/', import.meta.url), name);
}

/**
 * `setup(config, version, fakeOptions)`: enables the instrumentation (one per test process, registered globally, as an
 * app would), then loads `cohere-ai` through `require`, so that the require hook patches its v2 client file (`sdk` is
 * its `CohereClientV2`), and starts a loopback fake provider.
 */
export const setup = sdkHarness({
  instrumentation: () => new CohereInstrumentation({ enabled: false }),
  otel: { global: true },
  load: loadCohere,
  client: (CohereClientV2: CohereClass, url, options) =>
    new CohereClientV2({ token: 'test-key', environment: url, ...options }),
});
export type Harness = SdkHarness<CohereInstrumentation, CohereClass, CohereClient>;

export function loadCohere(version: SdkVersion = 'current'): CohereClass {
  return (createRequire(SDK_DIRS[version])('cohere-ai') as { CohereClientV2: CohereClass }).CohereClientV2;
}

/** The version of the `cohere-ai` copy a test runs against. */
export function sdkVersionOf(version: SdkVersion): string {
  // The package's exports map hides package.json; it sits beside the main entry point.
  const main = createRequire(SDK_DIRS[version]).resolve('cohere-ai');
  return (JSON.parse(readFileSync(join(dirname(main), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Request options that make the SDK fail fast instead of retrying (both 7.x and 8.x honour them). */
export const NO_RETRIES = { maxRetries: 0 } as const;

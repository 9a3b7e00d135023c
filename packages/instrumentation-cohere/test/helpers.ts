import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  reusedInstrumentation,
  spanReads,
  startFakeProvider,
  type FakeProvider,
  type Fixture,
  type SpanReads,
} from '@llmtel/test-utils';
import { CohereInstrumentation, type CohereInstrumentationConfig } from '@llmtel/instrumentation-cohere';
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
  const fixture = JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Fixture;
  fixture.name = name;
  return fixture;
}

/** One set of SDKs per test process, registered globally, as an app would. */
const instrumentationFor = reusedInstrumentation(() => new CohereInstrumentation({ enabled: false }), { global: true });

export interface Harness extends SpanReads {
  instrumentation: CohereInstrumentation;
  /** The `CohereClientV2` class, loaded after the instrumentation was enabled. */
  CohereClientV2: CohereClass;
  fake: FakeProvider;
  client(options?: Record<string, unknown>): CohereClient;
  close(): Promise<void>;
}

/**
 * Enables the instrumentation, then loads `cohere-ai` through `require` (so that the require hook patches its v2
 * client file) and starts a loopback fake provider. One harness at a time per process: `close()` disables the
 * instrumentation again.
 */
export async function setup(
  config: CohereInstrumentationConfig = {},
  version: SdkVersion = 'current',
  fakeOptions: Parameters<typeof startFakeProvider>[0] = {},
): Promise<Harness> {
  const { instrumentation, otel } = instrumentationFor(config);

  const CohereClientV2 = loadCohere(version);
  const fake = await startFakeProvider(fakeOptions);

  return {
    instrumentation,
    CohereClientV2,
    fake,
    client: (options = {}) => new CohereClientV2({ token: 'test-key', environment: fake.url, ...options }),
    ...spanReads(otel),
    async close() {
      await fake.close();
      instrumentation.disable();
    },
  };
}

export function loadCohere(version: SdkVersion): CohereClass {
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

/** Lets pending promise reactions run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

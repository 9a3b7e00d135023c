import assert from 'node:assert/strict';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  startFakeProvider,
  type FakeProvider,
  type FakeProviderOptions,
  type ReceivedRequest,
} from './fake-provider.js';
import type { Fixture } from './fixtures.js';
import {
  reusedInstrumentation,
  spanReads,
  type InstrumentationLike,
  type SpanReads,
  type TestOtelOptions,
} from './otel-test-setup.js';

/** An instrumentation a harness can turn off and on again. */
export interface ToggledInstrumentation extends InstrumentationLike {
  disable(): void;
}

export interface OnlySpanOptions {
  /** Waits this long more before counting, for a second span (or a second end) that would come late. */
  quietMs?: number;
  /** The instrumentation scope the span must have. */
  scope?: string;
}

/**
 * Waits for the first finished span, lets pending promise reactions run (and `quietMs` more), then asserts that it is
 * the only one.
 */
export async function waitForOnlySpan(
  reads: Pick<SpanReads, 'spans' | 'waitForSpans'>,
  options: OnlySpanOptions = {},
): Promise<ReadableSpan> {
  const [span] = await reads.waitForSpans(1);
  await nextTurn();
  if (options.quietMs !== undefined) await sleep(options.quietMs);
  assert.equal(reads.spans().length, 1, 'exactly one span');
  if (options.scope !== undefined) assert.equal(span!.instrumentationScope.name, options.scope);
  return span!;
}

/** An instrumentation under test, the SDK it patched, and a loopback fake provider for the SDK's clients. */
export interface SdkHarness<I, Sdk, Client> extends SpanReads {
  instrumentation: I;
  /** What the spec's `load` returned: the SDK, loaded after the instrumentation was enabled. */
  sdk: Sdk;
  fake: FakeProvider;
  /** A client of the SDK that talks to the fake provider; `options` are added to the harness's own. */
  client(options?: Record<string, unknown>): Client;
  /** {@link waitForOnlySpan} on these spans. */
  theSpan(options?: OnlySpanOptions): Promise<ReadableSpan>;
  /** Closes the fake provider and disables the instrumentation. */
  close(): Promise<void>;
}

/** How {@link sdkHarness} sets up one instrumentation and its SDK. */
export interface SdkHarnessSpec<I, V, Sdk, Client> {
  /** Makes the instrumentation under test (disabled); called once per test process. */
  instrumentation: () => I;
  /** The in-memory OpenTelemetry SDKs it records into. */
  otel?: TestOtelOptions;
  /** Loads the SDK (the copy of release `version`, or the default one). */
  load: (version?: V) => Sdk;
  /** A client of `sdk` that sends its requests to `url`, with `options` added. */
  client: (sdk: Sdk, url: string, options: Record<string, unknown>) => Client;
}

/** The configuration an instrumentation takes. */
type ConfigOf<I> = I extends { setConfig(config: infer C): void } ? C : never;

/**
 * A `setup(config, version, fakeOptions)` for the tests of one instrumentation. The instrumentation and its
 * OpenTelemetry SDKs are made once per test process (see `reusedInstrumentation`: a require hook patches a module
 * only when it is first loaded). Each setup enables the instrumentation with `config`, then loads the SDK (so that
 * the hook patches it) and starts a fake provider. One harness at a time per process: `close()` disables the
 * instrumentation again.
 */
export function sdkHarness<I extends ToggledInstrumentation, V, Sdk, Client>(
  spec: SdkHarnessSpec<I, V, Sdk, Client>,
): (config?: ConfigOf<I>, version?: V, fakeOptions?: FakeProviderOptions) => Promise<SdkHarness<I, Sdk, Client>> {
  type Reusable = I & { setConfig(config: { enabled?: boolean }): void };
  const instrumentationFor = reusedInstrumentation(spec.instrumentation as () => Reusable, spec.otel);
  return async (config, version, fakeOptions = {}) => {
    const { instrumentation, otel } = instrumentationFor(config ?? {});
    const sdk = spec.load(version);
    const fake = await startFakeProvider(fakeOptions);
    const reads = spanReads(otel);
    return {
      instrumentation,
      sdk,
      fake,
      client: (options = {}) => spec.client(sdk, fake.url, options),
      ...reads,
      theSpan: (only) => waitForOnlySpan(reads, only),
      async close() {
        await fake.close();
        instrumentation.disable();
      },
    };
  };
}

/** What {@link plainAndInstrumented} needs of a harness. */
export interface TogglingHarness<C> extends Pick<SpanReads, 'spans' | 'waitForSpans'> {
  instrumentation: { enable(): void; disable(): void };
  fake: FakeProvider;
  client(): C;
}

/**
 * Runs `call` twice against `fixture`: once with the instrumentation disabled (asserting that no span was made), once
 * enabled (waiting for its span). Returns both results and the raw request bodies the SDK sent, so that a test can
 * show that the app and the provider see the same thing either way.
 */
export async function plainAndInstrumented<C, T>(
  h: TogglingHarness<C>,
  fixture: Fixture,
  call: (client: C) => Promise<T>,
): Promise<{ plain: T; instrumented: T; plainBody: Buffer; instrumentedBody: Buffer }> {
  h.instrumentation.disable();
  h.fake.enqueue(fixture);
  const spansBefore = h.spans().length;
  const plain = await call(h.client());
  const plainBody = h.fake.requests.at(-1)!.rawBody;
  await nextTurn();
  assert.equal(h.spans().length, spansBefore, 'the plain run is not instrumented');
  h.instrumentation.enable();
  h.fake.enqueue(fixture);
  const instrumented = await call(h.client());
  const instrumentedBody = h.fake.requests.at(-1)!.rawBody;
  await h.waitForSpans(spansBefore + 1);
  return { plain, instrumented, plainBody, instrumentedBody };
}

/** Asserts that the client went away before `request`'s response was fully written (waits up to ~2 s for it). */
export async function assertAborted(
  request: ReceivedRequest,
  message = 'the SDK stopped reading the response',
): Promise<void> {
  for (let i = 0; i < 200 && !request.aborted; i++) await sleep(10);
  assert.equal(request.aborted, true, message);
}

/** The span attributes that hold message content. */
export const CONTENT_ATTRIBUTES = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions'];

/** Asserts that no content attribute is set and that none of `texts` appears in any attribute. */
export function assertNoContent(attributes: Record<string, unknown>, texts: readonly string[]): void {
  for (const key of CONTENT_ATTRIBUTES) assert.equal(attributes[key], undefined, key);
  const serialized = JSON.stringify(attributes);
  for (const text of texts) assert.ok(!serialized.includes(text), text);
}

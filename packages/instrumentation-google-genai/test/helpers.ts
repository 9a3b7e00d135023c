import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Tracer } from '@opentelemetry/api';
import {
  createTestOtel,
  spanReads,
  startFakeProvider,
  type FakeProvider,
  type Fixture,
  type SpanReads,
} from '@llmtel/test-utils';
import {
  GoogleGenAIInstrumentation,
  type GoogleGenAIInstrumentationConfig,
} from '@llmtel/instrumentation-google-genai';
import type * as GenAI from '@google/genai';

export { collect, pointsWhere } from '@llmtel/test-utils';

export type GenAIModule = typeof GenAI;
export type Client = InstanceType<GenAIModule['GoogleGenAI']>;

/** Where each tested `@google/genai` major lives: v3 is this package's devDependency, v1 the supported lower bound. */
export const SDK_DIRS = {
  3: import.meta.url,
  1: new URL('./compat/genai1/', import.meta.url).href,
} as const;
export type SdkMajor = keyof typeof SDK_DIRS;

/** Fixtures this package built from the providers' API references (the shared folder has no Gemini API recordings). */
const LOCAL_FIXTURES = new URL('./fixtures/', import.meta.url);

export function loadLocalFixture(provider: 'gcp.gemini' | 'gcp.vertex_ai', name: string): Fixture {
  const fixture = JSON.parse(readFileSync(new URL(`${provider}/${name}.json`, LOCAL_FIXTURES), 'utf8')) as Fixture;
  fixture.name = name;
  return fixture;
}

export function localFixtureNames(provider: 'gcp.gemini' | 'gcp.vertex_ai'): string[] {
  return readdirSync(new URL(`${provider}/`, LOCAL_FIXTURES))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export interface Harness extends SpanReads {
  instrumentation: GoogleGenAIInstrumentation;
  /** The `@google/genai` module, required after the instrumentation was enabled. */
  sdk: GenAIModule;
  fake: FakeProvider;
  /** A tracer of the same provider, for the app's own spans. */
  tracer: Tracer;
  /** A Vertex AI client (project `test-project`, location `test-location`, as in the recordings) on the fake. */
  vertex(options?: Record<string, unknown>): Client;
  /** A Gemini API client (API version v1beta) on the fake. */
  gemini(options?: Record<string, unknown>): Client;
  close(): Promise<void>;
}

/**
 * Google auth that never leaves the process: a stand-in for the `AuthClient` that `googleAuthOptions.authClient`
 * accepts. google-auth-library v9 (SDK v1) hands back a plain header object, v10 (SDK v2+) a `Headers`.
 */
function offlineAuthClient(major: SdkMajor) {
  const headers =
    major >= 2 ? new Headers({ authorization: 'Bearer test-token' }) : { authorization: 'Bearer test-token' };
  return { getRequestHeaders: () => Promise.resolve(headers) };
}

/**
 * Sets up in-memory tracing and metrics SDKs, enables the instrumentation, then loads `@google/genai` (so that the
 * require hook patches it) and starts a loopback fake provider.
 */
export async function setup(config: GoogleGenAIInstrumentationConfig = {}, major: SdkMajor = 3): Promise<Harness> {
  const otel = createTestOtel();

  const instrumentation = otel.enable(new GoogleGenAIInstrumentation({ ...config, enabled: false }));

  const sdk = loadSdk(major);
  const fake = await startFakeProvider();

  return {
    instrumentation,
    sdk,
    fake,
    tracer: otel.tracerProvider.getTracer('test-app'),
    vertex: (options = {}) =>
      new sdk.GoogleGenAI({
        vertexai: true,
        project: 'test-project',
        location: 'test-location',
        apiVersion: 'v1beta1',
        httpOptions: { baseUrl: fake.url },
        googleAuthOptions: { authClient: offlineAuthClient(major) } as never,
        ...options,
      }),
    // v1beta, the version the API reference documents (v3's default is v1; v1's is v1beta).
    gemini: (options = {}) =>
      new sdk.GoogleGenAI({ apiKey: 'test-key', apiVersion: 'v1beta', httpOptions: { baseUrl: fake.url }, ...options }),
    ...spanReads(otel),
    async close() {
      await fake.close();
      instrumentation.disable();
      await otel.shutdown();
    },
  };
}

export function loadSdk(major: SdkMajor): GenAIModule {
  try {
    return createRequire(SDK_DIRS[major])('@google/genai') as GenAIModule;
  } catch (err) {
    if (major === 1) {
      throw new Error(
        'the @google/genai v1 compat copy is not installed: run `npm ci --prefix ' +
          'packages/instrumentation-google-genai/test/compat/genai1`',
        { cause: err },
      );
    }
    throw err;
  }
}

/**
 * The token attributes a span must carry for a recorded Gemini / Vertex AI usage, under the conventions' rules:
 * input = prompt (which includes cached content), output = candidates + thoughts.
 */
export function expectedUsageAttributes(usage: Fixture['usage']): Record<string, number | undefined> {
  if (usage === null) return {};
  const out: Record<string, number | undefined> = {
    'gen_ai.usage.input_tokens': usage.input_tokens ?? undefined,
    'gen_ai.usage.output_tokens':
      usage.output_tokens === null && usage.reasoning_tokens == null
        ? undefined
        : (usage.output_tokens ?? 0) + (usage.reasoning_tokens ?? 0),
    'gen_ai.usage.cache_read.input_tokens': usage.cache_read_input_tokens ?? undefined,
    'gen_ai.usage.reasoning.output_tokens': usage.reasoning_tokens ?? undefined,
  };
  return out;
}

/** The request contents of a recorded exchange, as the app would pass them to the SDK. */
export function requestOf(fixture: Fixture): { contents: GenAI.ContentListUnion } {
  return { contents: (fixture.request.body as { contents: GenAI.ContentListUnion }).contents };
}

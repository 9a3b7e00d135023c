import { createRequire } from 'node:module';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import { loadFixture, sdkHarness, type Fixture, type SdkHarness } from '@llmtel/test-utils';
import { AnthropicInstrumentation } from '@llmtel/instrumentation-anthropic';
import type AnthropicType from '@anthropic-ai/sdk';

export { collect, pointsWhere, spansOfScope } from '@llmtel/test-utils';

export type AnthropicClass = typeof AnthropicType;
export type AnthropicClient = InstanceType<AnthropicClass>;

/** The instrumentation's own instrumentation scope, and the one the SDK's own spans (0.134+) use. */
export const LLMTEL_SCOPE = '@llmtel/instrumentation-anthropic';
export const NATIVE_SCOPE = 'com.anthropic.sdk.typescript';

/**
 * Where each tested `@anthropic-ai/sdk` release lives: the current one is this package's devDependency; the others
 * are installed in test/compat/<dir> (`npm ci --prefix packages/instrumentation-anthropic/test/compat/<dir>`).
 * 0.50 is the oldest supported release, 0.134 the first that traces itself.
 */
export const SDK_DIRS = {
  current: import.meta.url,
  '0.134': new URL('./compat/sdk-0.134/', import.meta.url).href,
  '0.50': new URL('./compat/sdk-0.50/', import.meta.url).href,
} as const;
export type SdkVersion = keyof typeof SDK_DIRS;

/**
 * `setup(config, version)`: enables the instrumentation, then loads `@anthropic-ai/sdk`, so that the require hook
 * patches it (`sdk` is its client class), and starts a loopback fake provider. The instrumentation is made once per
 * test process and registered globally: `@anthropic-ai/sdk` 0.134+ starts its own spans from the global tracer
 * provider, so the same exporter sees llmtel's spans and the SDK's, and a duplicate cannot hide.
 */
export const setup = sdkHarness({
  instrumentation: () => new AnthropicInstrumentation({ enabled: false }),
  otel: { global: true, propagator: true },
  load: loadAnthropic,
  client: (Anthropic: AnthropicClass, url, options) =>
    new Anthropic({ apiKey: 'test-key', baseURL: url, maxRetries: 0, ...options }),
});
export type Harness = SdkHarness<AnthropicInstrumentation, AnthropicClass, AnthropicClient>;

export function loadAnthropic(version: SdkVersion = 'current'): AnthropicClass {
  const mod = createRequire(SDK_DIRS[version])('@anthropic-ai/sdk') as { Anthropic: AnthropicClass };
  return mod.Anthropic;
}

/** The version of the `@anthropic-ai/sdk` copy a test runs against. */
export function sdkVersionOf(version: SdkVersion): string {
  return (createRequire(SDK_DIRS[version])('@anthropic-ai/sdk/version') as { VERSION: string }).VERSION;
}

export type HistogramPoint = DataPoint<Histogram>;

/**
 * The request body to send for a fixture. Some recordings kept only the response; for those a body that asks for the
 * same model (and stream mode) is made up, which the fake provider does not check.
 */
export function requestBodyOf(fixture: Fixture): Record<string, unknown> {
  if (fixture.request.body !== null && typeof fixture.request.body === 'object') {
    return structuredClone(fixture.request.body as Record<string, unknown>);
  }
  const response = fixture.response.body as { model?: string } | undefined;
  const sse = fixture.response.sse;
  const model = response?.model ?? /"model":"([^"]+)"/.exec(sse ?? '')?.[1] ?? 'claude-sonnet-4-6';
  const body: Record<string, unknown> = {
    model,
    max_tokens: 2048,
    thinking: { type: 'enabled', budget_tokens: 1024 },
    messages: [{ role: 'user', content: 'What is 27 * 453?' }],
  };
  if (fixture.name?.includes('tool-use') === true) {
    body.messages = [{ role: 'user', content: 'What is the weather in San Francisco?' }];
    body.tools = [
      {
        name: 'get_weather',
        description: 'Get the weather for a location',
        input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
      },
    ];
  }
  if (fixture.stream) body.stream = true;
  return body;
}

/** `loadFixture('anthropic', name)`. */
export function anthropicFixture(name: string): Fixture {
  return loadFixture('anthropic', name);
}

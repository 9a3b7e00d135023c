import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InMemorySpanExporter, ReadableSpan, TracerProvider } from '@opentelemetry/sdk-trace';
import type { MeterProvider, MetricData } from '@opentelemetry/sdk-metrics';
import {
  createTestOtel,
  loadFixture,
  startFakeProvider,
  type FakeProvider,
  type FakeProviderOptions,
  type Fixture,
  type SpanCounter,
} from '@llmtel/test-utils';
import { BedrockInstrumentation, type BedrockInstrumentationConfig } from '@llmtel/instrumentation-bedrock';
import type * as BedrockSdkModule from '@aws-sdk/client-bedrock-runtime';
import { startH2Bridge, type H2Bridge } from './h2-bridge.ts';

export { collect, onlySpan as only, pointsWhere, usageAttributesOf } from '@llmtel/test-utils';

// Loopback only: no instance metadata service, no shared config or credentials files of the machine.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_CONFIG_FILE = join(tmpdir(), 'llmtel-bedrock-test-no-aws-config');
process.env.AWS_SHARED_CREDENTIALS_FILE = join(tmpdir(), 'llmtel-bedrock-test-no-aws-credentials');
for (const name of ['AWS_PROFILE', 'AWS_MAX_ATTEMPTS', 'AWS_RETRY_MODE', 'AWS_ENDPOINT_URL', 'AWS_REGION']) {
  delete process.env[name];
}

export type BedrockSdk = typeof BedrockSdkModule;
export type BedrockClient = InstanceType<BedrockSdk['BedrockRuntimeClient']>;

/**
 * Where each tested SDK version lives: the current one is this package's devDependency, the lower end of the
 * supported range is installed in test/compat/sdk-3.600 (`npm ci --prefix` that folder).
 */
export const SDK_DIRS = {
  current: new URL('../package.json', import.meta.url).href,
  '3.600': new URL('./compat/sdk-3.600/package.json', import.meta.url).href,
} as const;
export type SdkVersion = keyof typeof SDK_DIRS;

/** `require('@aws-sdk/client-bedrock-runtime')` of one tested version, from where it is installed. */
export function loadSdk(version: SdkVersion): BedrockSdk {
  try {
    return createRequire(SDK_DIRS[version])('@aws-sdk/client-bedrock-runtime') as BedrockSdk;
  } catch (error) {
    if (version === 'current') throw error;
    throw new Error(
      `the @aws-sdk/client-bedrock-runtime ${version} compat copy is not installed: run ` +
        '`npm ci --prefix packages/instrumentation-bedrock/test/compat/sdk-3.600`',
      { cause: error },
    );
  }
}

export function sdkVersion(version: SdkVersion): string {
  const require = createRequire(SDK_DIRS[version]);
  return (require('@aws-sdk/client-bedrock-runtime/package.json') as { version: string }).version;
}

/** SDK versions from 3.7xx send Bedrock Runtime requests over HTTP/2; 3.600 over HTTP/1.1. */
function usesHttp2(sdk: BedrockSdk): boolean {
  const client = new sdk.BedrockRuntimeClient({ region: 'us-east-1' });
  const handler = (client.config as { requestHandler?: { constructor?: { name?: string } } }).requestHandler;
  client.destroy();
  return handler?.constructor?.name === 'NodeHttp2Handler';
}

export interface Harness {
  instrumentation: BedrockInstrumentation;
  exporter: InMemorySpanExporter;
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  counter: SpanCounter;
  /** The SDK module, required after the instrumentation was enabled. */
  sdk: BedrockSdk;
  fake: FakeProvider;
  /** The endpoint clients are given: the fake provider, or the HTTP/2 bridge in front of it. */
  endpoint: string;
  endpointPort: number;
  /** A client of the fake provider: static fake credentials, us-east-1, standard retries (3 attempts). */
  client(options?: Record<string, unknown>): BedrockClient;
  /** Waits until every started span has ended and at least `count` have (bounded: ~20 s); the finished spans. */
  settle(count?: number): Promise<ReadableSpan[]>;
  /** Every metric recorded so far, by name; `scope` picks one instrumentation's when several record a name. */
  metrics(scope?: string): Promise<Map<string, MetricData>>;
  /** Forgets finished spans (metrics are cumulative: tests filter data points by model). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Sets up tracing and metrics SDKs in memory, enables the instrumentation, then loads the SDK (so that the require
 * hook patches it) and starts a loopback fake provider (behind an HTTP/2 bridge for SDKs that speak HTTP/2).
 */
export async function setup(
  config: BedrockInstrumentationConfig = {},
  version: SdkVersion = 'current',
  fakeOptions: FakeProviderOptions = {},
): Promise<Harness> {
  const otel = createTestOtel();
  const { exporter, tracerProvider, meterProvider, counter } = otel;

  const instrumentation = otel.enable(new BedrockInstrumentation({ ...config, enabled: false }));

  const sdk = loadSdk(version);
  const fake = await startFakeProvider(fakeOptions);
  const bridge: H2Bridge | undefined = usesHttp2(sdk) ? await startH2Bridge(fake.url) : undefined;
  const endpoint = bridge?.url ?? fake.url;
  const clients: BedrockClient[] = [];

  return {
    instrumentation,
    exporter,
    tracerProvider,
    meterProvider,
    counter,
    sdk,
    fake,
    endpoint,
    endpointPort: Number(new URL(endpoint).port),
    client(options = {}) {
      const client = new sdk.BedrockRuntimeClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
        maxAttempts: 3,
        retryMode: 'standard',
        ...options,
      });
      clients.push(client);
      return client;
    },
    settle: otel.settle,
    metrics: (scope = '@llmtel/instrumentation-bedrock') => otel.metrics(scope),
    reset: otel.reset,
    async close() {
      for (const client of clients) client.destroy();
      await bridge?.close();
      await fake.close();
      instrumentation.disable();
      await otel.shutdown();
    },
  };
}

/** The model id of a recorded request, from its path (`/model/<url-encoded id>/<operation>`). */
export function modelIdOf(fixture: Fixture): string {
  const match = /^\/model\/([^/]+)\//.exec(fixture.request.path);
  if (match === null) throw new Error(`not a Bedrock Runtime path: ${fixture.request.path}`);
  return decodeURIComponent(match[1]!);
}

/**
 * The SDK command that makes a fixture's recorded request. Typed `never` so that `client.send()` takes it whichever
 * of the four commands it is (their output types differ); tests read outputs through `streamOf` and casts.
 */
export function commandFor(sdk: BedrockSdk, fixture: Fixture, modelId = modelIdOf(fixture)): never {
  return makeCommand(sdk, fixture, modelId) as never;
}

function makeCommand(sdk: BedrockSdk, fixture: Fixture, modelId: string) {
  const body = fixture.request.body as Record<string, unknown>;
  switch (fixture.operation) {
    case 'converse':
      return new sdk.ConverseCommand({ modelId, ...body });
    case 'converse_stream':
      return new sdk.ConverseStreamCommand({ modelId, ...body });
    case 'invoke_model':
      return new sdk.InvokeModelCommand({
        modelId,
        body: JSON.stringify(body),
        contentType: 'application/json',
        accept: 'application/json',
      });
    case 'invoke_model_with_response_stream':
      return new sdk.InvokeModelWithResponseStreamCommand({
        modelId,
        body: JSON.stringify(body),
        contentType: 'application/json',
        accept: 'application/json',
      });
    default:
      throw new Error(`no SDK command for fixture operation ${fixture.operation}`);
  }
}

/** What the app got from one call, as comparable JSON (bytes as base64; errors by name, message and status). */
export interface AppView {
  kind: 'value' | 'stream' | 'error';
  json: string;
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('base64') };
  return value;
}

export function view(value: unknown): string {
  return JSON.stringify(value, replacer);
}

export function errorView(error: unknown): string {
  const e = error as { name?: unknown; message?: unknown; $fault?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return JSON.stringify({ name: e.name, message: e.message, fault: e.$fault, status: e.$metadata?.httpStatusCode });
}

/** The output's event stream, if it has one. */
export function streamOf(output: unknown): AsyncIterable<unknown> | undefined {
  const o = output as { stream?: unknown; body?: unknown };
  for (const candidate of [o.stream, o.body]) {
    if (typeof (candidate as AsyncIterable<unknown> | undefined)?.[Symbol.asyncIterator] === 'function') {
      return candidate as AsyncIterable<unknown>;
    }
  }
  return undefined;
}

/** The output without `$metadata.totalRetryDelay` (random backoff) and with streams left out. */
function outputView(output: unknown): unknown {
  const { $metadata, stream: _stream, body, ...rest } = output as Record<string, unknown>;
  const metadata = { ...($metadata as Record<string, unknown>) };
  delete metadata.totalRetryDelay;
  const out: Record<string, unknown> = { ...rest, $metadata: metadata };
  if (body instanceof Uint8Array) out.body = body;
  return out;
}

/** Sends a fixture's request through the SDK, consuming a stream fully, and returns what the app received. */
export async function replay(client: BedrockClient, sdk: BedrockSdk, fixture: Fixture): Promise<AppView> {
  try {
    const output: unknown = await client.send(commandFor(sdk, fixture));
    const stream = streamOf(output);
    if (fixture.stream && stream !== undefined) {
      const events: unknown[] = [];
      for await (const event of stream) events.push(event);
      return { kind: 'stream', json: view({ output: outputView(output), events }) };
    }
    return { kind: 'value', json: view(outputView(output)) };
  } catch (error) {
    return { kind: 'error', json: errorView(error) };
  }
}

/**
 * Fixture `usage` (numbers exactly as Bedrock reported them) as the span attributes they must equal under the
 * conventions: Bedrock counts cache reads and writes apart from `input_tokens`, the conventions include them.
 */
export function expectedUsageAttributes(usage: Fixture['usage']): Record<string, number> {
  const out: Record<string, number> = {};
  if (usage === null) return out;
  const cacheRead = usage.cache_read_input_tokens ?? undefined;
  const cacheWrite = usage.cache_creation_input_tokens ?? undefined;
  if (typeof usage.input_tokens === 'number') {
    out['gen_ai.usage.input_tokens'] = usage.input_tokens + (cacheRead ?? 0) + (cacheWrite ?? 0);
  }
  if (typeof usage.output_tokens === 'number') out['gen_ai.usage.output_tokens'] = usage.output_tokens;
  if (cacheRead !== undefined) out['gen_ai.usage.cache_read.input_tokens'] = cacheRead;
  if (cacheWrite !== undefined) out['gen_ai.usage.cache_creation.input_tokens'] = cacheWrite;
  return out;
}

/**
 * The recorded 403 "Signature expired" answer, with the `date` header the fixtures' allow-list dropped put back: the
 * server time the message names (`... (20250210T013911Z - 5 min.)`). The SDK corrects its clock skew from that header
 * before it retries (it retries clock-skew error codes either way), so the retry is signed as in the recording.
 */
export function signatureExpired(fixture: Fixture): Fixture {
  const message = String((fixture.response.body as { message?: unknown }).message);
  const match = /\((\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z - 5 min\.\)/.exec(message);
  if (match === null) throw new Error(`not a signature-expired answer: ${message}`);
  const [, y, mo, d, h, mi, s] = match;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`).toUTCString();
  return { ...fixture, response: { ...fixture.response, headers: { ...fixture.response.headers, date } } };
}

/** A recorded error-then-retry pair (`<name>-1-error-403`, `<name>-2`), ready to enqueue. */
export function retryPair(name: string): [Fixture, Fixture] {
  return [signatureExpired(loadFixture('aws.bedrock', `${name}-1-error-403`)), loadFixture('aws.bedrock', `${name}-2`)];
}

/** Reads a fixture of this package (`test/fixtures/<name>.json`), built from the Bedrock API reference. */
export function syntheticFixture(name: string): Fixture {
  const require = createRequire(import.meta.url);
  const fixture = require(`./fixtures/${name}.json`) as Fixture;
  return { ...structuredClone(fixture), name };
}

export { sleep };

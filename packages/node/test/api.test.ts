import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { trace } from '@opentelemetry/api';
import type OpenAIClass from 'openai';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { shutdown, start } from '@llmtel/node';
import { fakeOpenAI } from './helpers/fixtures.ts';
import { PROMPT } from './helpers/run-app.ts';

const QUIET = { metricExporter: 'none', handleProcessExit: false, logLevel: 'none' } as const;

describe('programmatic start()', () => {
  afterEach(() => shutdown());

  test('starts once per process and traces openai calls made through require', async () => {
    const exporter = new InMemorySpanExporter();
    const handle = start({ ...QUIET, traceExporter: exporter, captureMessageContent: true });
    assert.equal(handle.enabled, true);
    // Every llmtel instrumentation installed in the workspace is enabled; openai is the one this test drives.
    assert.ok(handle.instrumentations.includes('openai'), String(handle.instrumentations));
    assert.ok(handle.instrumentations.includes('anthropic'), String(handle.instrumentations));
    assert.equal(start({ ...QUIET }), handle, 'a second start returns the running SDK');

    const openai = await fakeOpenAI(['chat-completions-adds-genai-conventions']);
    try {
      const OpenAI = createRequire(import.meta.url)('openai') as typeof OpenAIClass;
      const client = new OpenAI({ apiKey: 'sk-test', baseURL: openai.baseURL, maxRetries: 0 });
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] });
    } finally {
      await openai.close();
    }
    await handle.forceFlush();
    const [span] = exporter.getFinishedSpans();
    assert.equal(span?.name, 'chat gpt-4o-mini');
    assert.equal(span?.attributes['gen_ai.usage.input_tokens'], 22);
    assert.match(String(span?.attributes['gen_ai.input.messages']), /Bouvet Island/, 'captureMessageContent applied');
  });

  test('shutdown releases the SDK: spans are no longer recorded and start() works again', async () => {
    const first = new InMemorySpanExporter();
    const handle = start({ ...QUIET, traceExporter: first, instrumentations: { openai: false } });
    assert.equal(handle.instrumentations.includes('openai'), false);
    trace.getTracer('t').startSpan('before').end();
    await handle.forceFlush();
    assert.deepEqual(
      first.getFinishedSpans().map((s) => s.name),
      ['before'],
    );
    await handle.shutdown();
    assert.equal(trace.getTracer('t').startSpan('between').isRecording(), false);

    const second = new InMemorySpanExporter();
    const again = start({ ...QUIET, traceExporter: second, instrumentations: { openai: false } });
    assert.notEqual(again, handle);
    trace.getTracer('t').startSpan('after').end();
    await again.forceFlush();
    assert.deepEqual(
      second.getFinishedSpans().map((s) => s.name),
      ['after'],
    );
  });

  test('invalid options throw and leave nothing registered', () => {
    assert.throws(() => start({ tracesProtocol: 'udp' as never }), RangeError);
    assert.throws(() => start({ metricExportIntervalMillis: 0 }), RangeError);
    assert.throws(() => start({ traceExporter: 'jaeger' as never }), RangeError);
    assert.throws(() => start({ tracesEndpoint: 'not a url' }), TypeError);
    assert.throws(
      () => start({ instrumentations: { 'no-such-sdk': true } as never }),
      /unknown instrumentation "no-such-sdk"/,
    );
    assert.throws(() => start({ instrumentations: { openai: 'yes' as never } }), TypeError);
    assert.throws(() => start({ instrumentations: { 'vercel-ai': { autoRegister: 'no' as never } } }), TypeError);
    assert.throws(
      () => start({ instrumentations: { 'vercel-ai': { autoregister: false } as never } }),
      /unknown option instrumentations\['vercel-ai'\]\.autoregister/,
    );
    const exporter = new InMemorySpanExporter();
    const handle = start({ ...QUIET, traceExporter: exporter, instrumentations: { openai: false } });
    assert.equal(handle.enabled, true);
  });

  test("AI SDK v7's telemetry: registered while telemetry runs, unless autoRegister is false", async () => {
    // `ai` 7 and `@ai-sdk/otel` resolve from this test (the workspace's copies); start() registers with the AI SDK.
    const registry = globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] };
    const integrations = () => registry.AI_SDK_TELEMETRY_INTEGRATIONS;
    delete registry.AI_SDK_TELEMETRY_INTEGRATIONS;
    start({ ...QUIET, traceExporter: new InMemorySpanExporter() });
    assert.equal(integrations()?.length, 1);
    await shutdown();
    assert.deepEqual(integrations(), [], 'shutdown unregisters it');

    start({
      ...QUIET,
      traceExporter: new InMemorySpanExporter(),
      instrumentations: { 'vercel-ai': { autoRegister: false } },
    });
    assert.deepEqual(integrations(), []);
    await shutdown();
    start({ ...QUIET, traceExporter: new InMemorySpanExporter(), instrumentations: { 'vercel-ai': false } });
    assert.deepEqual(integrations(), [], 'nor with the integration off');
  });

  test('disabled: no SDK, and the handle says so', async () => {
    const handle = start({ ...QUIET, disabled: true });
    assert.equal(handle.enabled, false);
    await handle.forceFlush();
    await handle.shutdown();
  });
});

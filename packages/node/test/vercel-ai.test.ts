import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startFakeProvider,
  startOtlpReceiver,
  syntheticChatCompletion,
  syntheticChatCompletionStream,
  type FakeProvider,
  type OtlpReceived,
  type OtlpReceiver,
  type ReceivedSpan,
} from '@llmtel/test-utils';
import { IMPORT_REGISTER, REQUIRE_REGISTER, runApp, type AppResult } from './helpers/run-app.ts';

// AI SDK v7 (`ai` and `@ai-sdk/otel`, the workspace's current releases) makes spans only through a registered
// telemetry integration. These apps register none unless APP_REGISTER says so (see apps/ai-sdk-scenario.cjs).
const PROMPT = 'Which ocean contains Bouvet Island?';
const APPS = [
  { kind: 'CommonJS', flags: REQUIRE_REGISTER, app: 'ai-sdk-app.cjs' },
  { kind: 'ES module', flags: IMPORT_REGISTER, app: 'ai-sdk-app.mjs' },
] as const;
type App = (typeof APPS)[number];

/** `@ai-sdk/otel`'s `OpenTelemetry` spans: `invoke_agent` over `chat` per call. */
const chatSpans = (r: OtlpReceived) =>
  r.spans.filter((s) => s.name === 'chat gpt-4o-mini' && s.scope.name === 'gen_ai');
const agentSpans = (r: OtlpReceived) => r.spans.filter((s) => s.name.startsWith('invoke_agent'));
const inputMessages = (span: ReceivedSpan) => {
  const value = span.attributes['gen_ai.input.messages'];
  return typeof value === 'string' ? value : '';
};
/** Spans of the AI SDK's tracers, in either format. */
const aiSdkSpans = (spans: readonly ReceivedSpan[]) =>
  spans.filter((s) => s.scope.name === 'gen_ai' || s.scope.name === 'ai');

describe('AI SDK v7 with no telemetry code', () => {
  let receiver: OtlpReceiver;
  let fake: FakeProvider;
  before(async () => {
    receiver = await startOtlpReceiver();
    fake = await startFakeProvider();
  });
  after(async () => {
    await fake.close();
    await receiver.close();
  });

  async function run(app: App, env: Record<string, string> = {}): Promise<AppResult> {
    receiver.clear();
    fake.enqueue(
      syntheticChatCompletion({
        model: 'gpt-4o-mini',
        content: 'Atlantic.',
        usage: { input_tokens: 21, output_tokens: 3 },
      }),
      syntheticChatCompletionStream({
        model: 'gpt-4o-mini',
        chunks: ['South ', 'Atlantic.'],
        includeUsage: true,
        usage: { input_tokens: 22, output_tokens: 4 },
      }),
    );
    const result = await runApp({
      flags: [...app.flags],
      app: app.app,
      env: {
        OPENAI_API_KEY: 'sk-test-not-a-real-key',
        OPENAI_BASE_URL: `${fake.url}/v1`,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.httpEndpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        ...env,
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^GENERATE Atlantic\.$/m);
    assert.match(result.stdout, /^STREAM South Atlantic\.$/m);
    assert.match(result.stdout, /^APP DONE$/m);
    assert.equal(fake.pendingCount(), 0);
    return result;
  }

  /** Everything exported (the app flushes before it exits), once both chat spans and the metrics are in. */
  function received(): Promise<OtlpReceived> {
    return receiver.waitFor((r) => chatSpans(r).length >= 2 && r.metrics.length > 0);
  }

  const bodiesWith = (text: string) => receiver.rawBodies.filter((b) => b.includes(text)).length;
  const bodiesWithPrompt = () => bodiesWith(PROMPT);

  for (const app of APPS) {
    test(`${app.kind}: the AI SDK's spans appear once, billable, priced, attributed, without content`, async () => {
      await run(app);
      const r = await received();
      const chats = chatSpans(r);
      assert.equal(chats.length, 2, 'one chat span per call');
      assert.equal(agentSpans(r).length, 2);
      for (const chat of chats) {
        assert.equal(chat.attributes['llmtel.usage.billable'], true);
        assert.equal(typeof chat.attributes['llmtel.usage.cost_usd'], 'number');
        assert.equal(chat.attributes['user.id'], 'user-123');
        assert.equal(chat.attributes['gen_ai.input.messages'], undefined);
        assert.equal(chat.attributes['gen_ai.output.messages'], undefined);
      }
      assert.deepEqual(chats.map((c) => c.attributes['gen_ai.usage.input_tokens']).sort(), [21, 22]);
      assert.equal(bodiesWithPrompt(), 0, 'no prompt text in any export');
      assert.equal(bodiesWith('South Atlantic.'), 0, 'no completion text either');

      const firstChunk = r.metrics
        .filter((m) => m.name === 'gen_ai.client.operation.time_to_first_chunk')
        .flatMap((m) => m.dataPoints)
        .filter((p) => p.attributes['gen_ai.request.model'] === 'gpt-4o-mini');
      assert.ok(firstChunk.length > 0, 'time to first chunk of the stream');
      for (const point of firstChunk) assert.equal(point.count, 1, 'the streamed call only');
    });

    test(`${app.kind}: an app that registers @ai-sdk/otel itself still gets one set of spans, its own`, async () => {
      await run(app, { APP_REGISTER: 'own' });
      const r = await received();
      const chats = chatSpans(r);
      assert.equal(chats.length, 2, 'not doubled');
      assert.equal(agentSpans(r).length, 2);
      // The app's integration records content unless told otherwise; llmtel's would not have.
      for (const chat of chats) assert.match(inputMessages(chat), /Bouvet/);
      assert.equal(r.spans.filter((s) => s.attributes['llmtel.usage.billable'] === true).length, 2);
    });

    test(`${app.kind}: LLMTEL_VERCEL_AI_AUTO_REGISTER=false leaves the AI SDK without telemetry`, async () => {
      await run(app, { LLMTEL_VERCEL_AI_AUTO_REGISTER: 'false' });
      // Exports happen before the app exits: what has not arrived now never will.
      assert.deepEqual(aiSdkSpans(receiver.spans()), []);
    });
  }

  test('an app that registers the legacy format gets those spans only', async () => {
    await run(APPS[0], { APP_REGISTER: 'legacy' });
    const r = await receiver.waitFor((rec) => rec.spans.some((s) => s.name === 'ai.streamText.doStream'));
    const names = aiSdkSpans(r.spans).map((s) => s.name);
    assert.equal(names.filter((n) => n === 'ai.generateText.doGenerate').length, 1);
    assert.equal(names.filter((n) => n === 'ai.streamText.doStream').length, 1);
    assert.deepEqual(chatSpans(r), []);
    assert.deepEqual(agentSpans(r), []);
  });

  test('with OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true the registration records content', async () => {
    await run(APPS[1], { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' });
    const chats = chatSpans(await received());
    assert.equal(chats.length, 2);
    for (const chat of chats) assert.match(inputMessages(chat), /Bouvet/);
    assert.ok(bodiesWithPrompt() > 0);
    assert.ok(bodiesWith('South Atlantic.') > 0);
  });

  test('a bad LLMTEL_VERCEL_AI_AUTO_REGISTER warns and registers', async () => {
    const result = await run(APPS[0], { LLMTEL_VERCEL_AI_AUTO_REGISTER: 'maybe' });
    assert.match(result.stderr, /LLMTEL_VERCEL_AI_AUTO_REGISTER="maybe" is not true or false; using true/);
    assert.equal(chatSpans(await received()).length, 2);
  });
});

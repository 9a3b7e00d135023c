import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  collect,
  LLMTEL_SCOPE,
  mistralFixture,
  NATIVE_SCOPE,
  settle,
  setup,
  spansOfScope,
  type Harness,
  type MistralClient,
} from './helpers.ts';

// The SDK's own tracing (2.3 and later) is off unless the app turns it on; in `global` mode it starts a span per
// request from the global tracer provider, which these tests register, so a duplicate would be seen.
const { configureTelemetry } = createRequire(import.meta.url)('@mistralai/mistralai/extra/observability') as {
  configureTelemetry: (client: MistralClient, provider: string, options?: { redaction?: boolean }) => Promise<boolean>;
};

const BODY = { model: 'mistral-small-latest', messages: [{ role: 'user' as const, content: 'Hi' }] };

interface TracingHook {
  _mistralTracingHook?: true;
  _telemetryUseGlobalProvider?: boolean;
  tracerProvider?: unknown;
}

function tracingHook(client: MistralClient): TracingHook {
  const hooks = (client as unknown as { _options: { hooks: { beforeRequestHooks: TracingHook[] } } })._options.hooks;
  return hooks.beforeRequestHooks.find((hook) => hook._mistralTracingHook === true)!;
}

async function tracingClient(h: Harness): Promise<MistralClient> {
  const client = h.client();
  assert.equal(await configureTelemetry(client, 'global', { redaction: false }), true);
  return client;
}

async function spansAfterSettling(h: Harness, count: number) {
  await h.waitForSpans(count);
  for (let i = 0; i < 5; i++) await settle();
  await new Promise((resolve) => setTimeout(resolve, 30));
  return h.spans();
}

describe("the SDK's own tracing, turned on in global mode", () => {
  let h: Harness;
  before(async () => {
    h = await setup();
  });
  after(() => h.close());
  beforeEach(() => h.reset());
  afterEach(() => h.instrumentation.enable());

  it('without llmtel the SDK makes a span of its own (so the tests below can see a duplicate)', async () => {
    h.instrumentation.disable();
    const client = await tracingClient(h);
    h.fake.enqueue(mistralFixture('chat-completion'));
    await client.chat.complete(BODY);
    const spans = await spansAfterSettling(h, 1);
    assert.equal(spansOfScope(spans, NATIVE_SCOPE).length, 1);
    assert.equal(spansOfScope(spans, LLMTEL_SCOPE).length, 0);
  });

  it("merge (default): one span, llmtel's, with the SDK's HTTP attributes merged in", async () => {
    const client = await tracingClient(h);
    h.fake.enqueue(mistralFixture('chat-completion'));
    await client.chat.complete(BODY);
    const spans = await spansAfterSettling(h, 1);
    assert.equal(spans.length, 1, 'one span per request');
    const [span] = spans;
    assert.equal(span!.instrumentationScope.name, LLMTEL_SCOPE);
    assert.equal(span!.name, 'chat mistral-small-latest');
    assert.equal(span!.attributes['http.response.status_code'], 200);
    assert.equal(span!.attributes['gen_ai.usage.input_tokens'], 21);
    assert.equal(span!.attributes['llmtel.usage.billable'], true);
    assert.equal(typeof span!.attributes['llmtel.usage.cost_usd'], 'number');
    const hook = tracingHook(client);
    assert.equal(hook._telemetryUseGlobalProvider, true, "the app's choice is left as it was");
  });

  it('merge: a stream keeps one span, ended once', async () => {
    const client = await tracingClient(h);
    h.fake.enqueue(mistralFixture('chat-completion-stream'));
    const events = await collect(await client.chat.stream(BODY));
    assert.equal(events.length, 6);
    const spans = await spansAfterSettling(h, 1);
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.instrumentationScope.name, LLMTEL_SCOPE);
    assert.equal(spans[0]!.attributes['gen_ai.usage.output_tokens'], 9);
    assert.equal(spans[0]!.attributes['http.response.status_code'], 200);
  });

  it("suppress: one span, and nothing of the SDK's on it", async () => {
    await h.close();
    h = await setup({ nativeSpans: 'suppress' });
    const client = await tracingClient(h);
    h.fake.enqueue(mistralFixture('chat-completion'));
    await client.chat.complete(BODY);
    const spans = await spansAfterSettling(h, 1);
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.instrumentationScope.name, LLMTEL_SCOPE);
    assert.equal(spans[0]!.attributes['http.response.status_code'], undefined);
    assert.equal(spans[0]!.attributes['gen_ai.usage.input_tokens'], 21);
  });

  it('a custom provider set on the client is intercepted the same way', async () => {
    const client = h.client();
    const { trace } = await import('@opentelemetry/api');
    assert.equal(
      await configureTelemetry(client, trace.getTracerProvider() as unknown as string, { redaction: false }),
      true,
    );
    h.fake.enqueue(mistralFixture('chat-completion'));
    await client.chat.complete(BODY);
    const spans = await spansAfterSettling(h, 1);
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.instrumentationScope.name, LLMTEL_SCOPE);
    assert.equal(tracingHook(client).tracerProvider !== undefined, true);
  });
});

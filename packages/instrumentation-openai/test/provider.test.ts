import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { syntheticChatCompletionStream, type Fixture } from '@llmtel/test-utils';
import { collect, only, setup, type Harness, type OpenAIClass } from './helpers.ts';

/**
 * Clients configured for real provider base URLs; a custom `fetch` (an SDK option) sends their requests to the
 * loopback fake instead, so the instrumentation sees the real base URL while nothing leaves the machine.
 */
let h: Harness;
const sentTo: string[] = [];

before(async () => {
  h = await setup();
});
after(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
  sentTo.length = 0;
});

function redirect(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const original = new URL(url instanceof Request ? url.url : url);
  sentTo.push(original.href);
  return fetch(`${h.fake.url}/v1/chat/completions`, init);
}

async function streamThrough(client: InstanceType<OpenAIClass>, fixture?: Fixture) {
  h.fake.enqueue(fixture ?? syntheticChatCompletionStream({ model: 'some-model', chunks: 2, includeUsage: false }));
  await collect(
    await client.chat.completions.create({
      model: 'some-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    }),
  );
  const span = only(await h.settle(1));
  const injected = h.fake.requests.at(-1)!.rawBody.includes('"include_usage":true');
  return { span, injected };
}

const CASES: [baseURL: string, provider: string, address: string, port: number, injects: boolean][] = [
  ['https://api.openai.com/v1', 'openai', 'api.openai.com', 443, true],
  ['https://eu.api.openai.com/v1', 'openai', 'eu.api.openai.com', 443, true],
  ['https://api.x.ai/v1', 'x_ai', 'api.x.ai', 443, true],
  ['https://api.deepseek.com', 'deepseek', 'api.deepseek.com', 443, true],
  ['https://api.groq.com/openai/v1', 'groq', 'api.groq.com', 443, false],
  ['https://api.mistral.ai/v1', 'mistral_ai', 'api.mistral.ai', 443, false],
  [
    'https://generativelanguage.googleapis.com/v1beta/openai/',
    'gcp.gemini',
    'generativelanguage.googleapis.com',
    443,
    true,
  ],
  ['https://api.perplexity.ai', 'perplexity', 'api.perplexity.ai', 443, false],
  ['https://openrouter.ai/api/v1', 'openrouter', 'openrouter.ai', 443, false],
  ['http://localhost:11434/v1', 'ollama', 'localhost', 11434, true],
  ['http://vllm.internal:8000/v1', 'vllm', 'vllm.internal', 8000, true],
  ['https://llm-gateway.example.com/v1', 'openai', 'llm-gateway.example.com', 443, true],
];

describe('gen_ai.provider.name from the base URL', () => {
  for (const [baseURL, provider, address, port, injects] of CASES) {
    test(`${baseURL} → ${provider}`, async () => {
      const { span, injected } = await streamThrough(h.client({ baseURL, fetch: redirect }));
      assert.ok(sentTo[0]!.startsWith(baseURL.replace(/\/$/, '')), sentTo[0]);
      assert.equal(span.attributes['gen_ai.provider.name'], provider);
      assert.equal(span.attributes['server.address'], address);
      assert.equal(span.attributes['server.port'], port);
      assert.equal(injected, injects, 'stream_options.include_usage added only where the endpoint accepts it');
    });
  }

  test('AzureOpenAI → azure.ai.openai; include_usage only from API version 2024-09-01', async () => {
    const { AzureOpenAI } = createRequire(import.meta.url)('openai') as { AzureOpenAI: OpenAIClass };
    const azure = (apiVersion: string) =>
      new AzureOpenAI({
        apiKey: 'test-key',
        endpoint: 'https://my-resource.openai.azure.com',
        deployment: 'my-deployment',
        apiVersion,
        fetch: redirect,
        maxRetries: 0,
      } as never);

    const recent = await streamThrough(azure('2024-10-21'));
    assert.ok(sentTo[0]!.includes('/openai/deployments/my-deployment/chat/completions'), sentTo[0]);
    assert.equal(recent.span.attributes['gen_ai.provider.name'], 'azure.ai.openai');
    assert.equal(recent.span.attributes['server.address'], 'my-resource.openai.azure.com');
    assert.equal(recent.injected, true);

    await h.reset();
    const old = await streamThrough(azure('2024-06-01'));
    assert.equal(old.span.attributes['gen_ai.provider.name'], 'azure.ai.openai');
    assert.equal(old.injected, false);
  });

  test('Groq reports stream usage in x_groq.usage, unasked', async () => {
    const base = syntheticChatCompletionStream({ model: 'llama-3.3-70b-versatile', chunks: 2, includeUsage: false });
    const events = base.response.sse!.split('\n\n').filter((e) => e.startsWith('data: {'));
    const last = JSON.parse(events.at(-1)!.slice(6)) as Record<string, unknown>;
    last.x_groq = { id: 'req_1', usage: { prompt_tokens: 31, completion_tokens: 2, total_tokens: 33 } };
    events[events.length - 1] = `data: ${JSON.stringify(last)}`;
    const fixture: Fixture = {
      ...base,
      response: { ...base.response, sse: `${events.join('\n\n')}\n\ndata: [DONE]\n\n` },
    };

    const { span, injected } = await streamThrough(
      h.client({ baseURL: 'https://api.groq.com/openai/v1', fetch: redirect }),
      fixture,
    );
    assert.equal(injected, false);
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 31);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 2);
    assert.equal(span.attributes['llmtel.usage.estimated'], false);
  });
});

// The demo's example app: an ordinary program using the real `openai`, `@anthropic-ai/sdk` and `@google/genai` SDKs
// side by side, with no telemetry code except
// attribution (`withLlmContext`) and one span of its own around each unit of work. `llmtel-demo` runs it with
// `node --import @llmtel/node/register`, which is all it takes to trace it.
import { withLlmContext } from '@llmtel/core';
import { trace } from '@opentelemetry/api';
import type Anthropic from '@anthropic-ai/sdk';
import type { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';

const CHAT_MODEL = process.env.LLMTEL_DEMO_CHAT_MODEL ?? 'gpt-4o-mini';
const EMBEDDING_MODEL = process.env.LLMTEL_DEMO_EMBEDDING_MODEL ?? 'text-embedding-3-small';
const CLAUDE_MODEL = process.env.LLMTEL_DEMO_CLAUDE_MODEL ?? 'claude-haiku-4-5';
const GEMINI_MODEL = process.env.LLMTEL_DEMO_GEMINI_MODEL ?? 'gemini-2.5-flash';

// Long enough (over 1024 tokens) for the provider's prompt cache to kick in on the second ticket.
const SUPPORT_POLICY = [
  'You are the support assistant of Example Travel. Answer in one short sentence.',
  ...Array.from(
    { length: 48 },
    (_, i) =>
      `Policy ${i + 1}: be polite, never promise refunds you cannot grant, cite the booking reference when known, ` +
      'and hand over to a human agent when the customer asks for one.',
  ),
].join('\n');

const client = new OpenAI({ maxRetries: 0 });
const tracer = trace.getTracer('llmtel-demo-app');

function log(line: string): void {
  process.stdout.write(`  app | ${line}\n`);
}

async function supportTicket(question: string): Promise<void> {
  const completion = await client.chat.completions.create({
    model: CHAT_MODEL,
    messages: [
      { role: 'system', content: SUPPORT_POLICY },
      { role: 'user', content: question },
    ],
    max_tokens: 60,
  });
  log(`support answer: ${completion.choices[0]?.message.content ?? ''}`);
}

async function streamedSummary(): Promise<void> {
  const stream = await client.chat.completions.create({
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: 'Summarise the benefits of a window seat in one sentence.' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  log(`streamed answer: ${text}`);
}

async function indexDocuments(): Promise<void> {
  const result = await client.embeddings.create({
    model: EMBEDDING_MODEL,
    input: ['Baggage allowance for economy class', 'Changing the date of a flight', 'Travelling with pets'],
  });
  log(`embedded ${result.data.length} documents (${result.data[0]?.embedding.length ?? 0} dimensions)`);
}

async function draftReply(): Promise<void> {
  const response = await client.responses.create({
    model: CHAT_MODEL,
    instructions: 'Write a friendly one-line reply.',
    input: 'Thank the customer for flying with us.',
  });
  log(`drafted reply: ${response.output_text}`);
}

type AnthropicClient = Anthropic;
type GeminiClient = GoogleGenAI;

// The Anthropic and Gemini SDKs are optional peers: without them the app skips their calls.
function isMissingModule(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND';
}

async function anthropicClient(): Promise<AnthropicClient | undefined> {
  let AnthropicSdk: typeof Anthropic;
  try {
    ({ default: AnthropicSdk } = await import('@anthropic-ai/sdk'));
  } catch (err) {
    if (!isMissingModule(err)) throw err;
    log('skipping the Anthropic calls: @anthropic-ai/sdk is not installed (npm install @anthropic-ai/sdk)');
    return undefined;
  }
  // Reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL (the demo points the latter at its fake API).
  return new AnthropicSdk({ maxRetries: 0 });
}

async function geminiClient(): Promise<GeminiClient | undefined> {
  let GoogleGenAISdk: typeof GoogleGenAI;
  try {
    ({ GoogleGenAI: GoogleGenAISdk } = await import('@google/genai'));
  } catch (err) {
    if (!isMissingModule(err)) throw err;
    log('skipping the Gemini calls: @google/genai is not installed (npm install @google/genai)');
    return undefined;
  }
  // GOOGLE_GEMINI_BASE_URL is set by the demo to point at its fake API.
  const baseUrl = process.env.GOOGLE_GEMINI_BASE_URL;
  return new GoogleGenAISdk({
    apiKey: process.env.GEMINI_API_KEY ?? process.env.GOOGLE_API_KEY,
    ...(baseUrl ? { httpOptions: { baseUrl } } : {}),
  });
}

async function claudeTicket(anthropic: AnthropicClient, question: string): Promise<void> {
  const message = await anthropic.messages.create({
    model: CLAUDE_MODEL,
    max_tokens: 60,
    // Marked for Anthropic's prompt cache, so the second ticket reads the policy from the cache.
    system: [{ type: 'text', text: SUPPORT_POLICY, cache_control: { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: question }],
  });
  const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  log(`claude answer: ${text}`);
}

async function claudeStreamedSummary(anthropic: AnthropicClient): Promise<void> {
  const stream = anthropic.messages.stream({
    model: CLAUDE_MODEL,
    max_tokens: 60,
    messages: [{ role: 'user', content: 'Summarise the benefits of an aisle seat in one sentence.' }],
  });
  let text = '';
  for await (const event of stream) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  }
  log(`claude streamed answer: ${text}`);
}

async function geminiTranslate(gemini: GeminiClient): Promise<void> {
  const response = await gemini.models.generateContent({
    model: GEMINI_MODEL,
    contents: 'Translate to French, in one line: Your flight is now boarding at gate 12.',
    config: { systemInstruction: 'You translate airline announcements.', maxOutputTokens: 200 },
  });
  log(`gemini answer: ${response.text ?? ''}`);
}

async function geminiStreamedTip(gemini: GeminiClient): Promise<void> {
  const stream = await gemini.models.generateContentStream({
    model: GEMINI_MODEL,
    contents: 'Give one tip for travelling with a pet, in one sentence.',
  });
  let text = '';
  for await (const chunk of stream) text += chunk.text ?? '';
  log(`gemini streamed answer: ${text}`);
}

async function misconfiguredCall(): Promise<void> {
  try {
    await client.chat.completions.create({
      model: 'gpt-does-not-exist',
      messages: [{ role: 'user', content: 'Hello?' }],
    });
  } catch (err) {
    log(`expected failure: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function unitOfWork(name: string, work: () => Promise<void>): Promise<void> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      await work();
    } finally {
      span.end();
    }
  });
}

await withLlmContext({ userId: 'alice', sessionId: 'ticket-1042', agentName: 'support-agent' }, () =>
  unitOfWork('support ticket 1042', async () => {
    await supportTicket('My flight was cancelled. Can I rebook for tomorrow?');
    await supportTicket('And can I keep my seat reservation?');
    await streamedSummary();
  }),
);
const anthropic = await anthropicClient();
if (anthropic) {
  await withLlmContext({ userId: 'dave', sessionId: 'ticket-1044', agentName: 'claude-support-agent' }, () =>
    unitOfWork('support ticket 1044', async () => {
      await claudeTicket(anthropic, 'My suitcase did not arrive. What should I do?');
      await claudeTicket(anthropic, 'Can you also tell me how long a claim takes?');
      await claudeStreamedSummary(anthropic);
    }),
  );
}
const gemini = await geminiClient();
if (gemini) {
  await withLlmContext({ userId: 'erin', sessionId: 'batch-8', agentName: 'announcement-translator' }, () =>
    unitOfWork('translate announcements', async () => {
      await geminiTranslate(gemini);
      await geminiStreamedTip(gemini);
    }),
  );
}
await withLlmContext({ userId: 'bob', sessionId: 'batch-7', agentName: 'search-indexer' }, () =>
  unitOfWork('index help articles', indexDocuments),
);
await withLlmContext({ userId: 'carol', sessionId: 'ticket-1043', agentName: 'support-agent' }, () =>
  unitOfWork('support ticket 1043', async () => {
    await draftReply();
    await misconfiguredCall();
  }),
);

// The demo's example app: an ordinary program using the real `openai` SDK, with no telemetry code except
// attribution (`withLlmContext`) and one span of its own around each unit of work. `llmtel-demo` runs it with
// `node --import @llmtel/node/register`, which is all it takes to trace it.
import { withLlmContext } from '@llmtel/core';
import { trace } from '@opentelemetry/api';
import OpenAI from 'openai';

const CHAT_MODEL = process.env.LLMTEL_DEMO_CHAT_MODEL ?? 'gpt-4o-mini';
const EMBEDDING_MODEL = process.env.LLMTEL_DEMO_EMBEDDING_MODEL ?? 'text-embedding-3-small';

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
await withLlmContext({ userId: 'bob', sessionId: 'batch-7', agentName: 'search-indexer' }, () =>
  unitOfWork('index help articles', indexDocuments),
);
await withLlmContext({ userId: 'carol', sessionId: 'ticket-1043', agentName: 'support-agent' }, () =>
  unitOfWork('support ticket 1043', async () => {
    await draftReply();
    await misconfiguredCall();
  }),
);

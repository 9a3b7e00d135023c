// What the test apps do, shared by app.cjs and app.mjs (each passes in the SDK it loaded its own way): a plain
// call, a streamed call and a `messages.stream()` helper call, attributed to a user and session.
'use strict';
/* global module */

const BODY = {
  model: 'claude-sonnet-4-6',
  max_tokens: 2048,
  thinking: { type: 'enabled', budget_tokens: 1024 },
  messages: [{ role: 'user', content: 'What is 27 * 453?' }],
};

async function calls(client) {
  const message = await client.messages.create(BODY);
  console.log(`CREATE ${message.stop_reason}`);
  const stream = await client.messages.create({ ...BODY, stream: true });
  let events = 0;
  for await (const event of stream) if (event.type === 'content_block_delta') events++;
  console.log(`STREAM ${events}`);
  const final = await client.messages.stream(BODY).finalMessage();
  console.log(`HELPER ${final.stop_reason}`);
}

async function runScenario({ Anthropic, withLlmContext }) {
  // ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL come from the environment, as in a real app.
  const client = new Anthropic({ maxRetries: 0 });
  await withLlmContext({ userId: 'user-123', sessionId: 'session-9' }, () => calls(client));
  console.log('APP DONE');
}

module.exports = { runScenario };

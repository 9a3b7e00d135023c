// What the test apps do, shared by app.cjs and app.mjs (each passes in the SDK it loaded its own way): a plain chat
// call, a streamed one and an embeddings call, attributed to a user and session.
'use strict';
/* global module */

async function calls(client) {
  const messages = [{ role: 'user', content: 'Name the three primary colours.' }];
  const chat = await client.chat.complete({ model: 'mistral-small-latest', messages });
  console.log(`COMPLETE ${chat.choices[0].finishReason}`);
  const stream = await client.chat.stream({ model: 'mistral-small-latest', messages });
  let text = '';
  for await (const event of stream) text += event.data.choices[0]?.delta.content ?? '';
  console.log(`STREAM ${text}`);
  const embeddings = await client.embeddings.create({ model: 'mistral-embed', inputs: ['a', 'b'] });
  console.log(`EMBED ${embeddings.data.length}`);
}

async function runScenario({ Mistral, withLlmContext }) {
  // MISTRAL_API_KEY comes from the environment, as in a real app; the server URL points at the fake provider.
  const client = new Mistral({ serverURL: process.env.MISTRAL_SERVER_URL, retryConfig: { strategy: 'none' } });
  await withLlmContext({ userId: 'user-123', sessionId: 'session-9' }, () => calls(client));
  console.log('APP DONE');
}

module.exports = { runScenario };

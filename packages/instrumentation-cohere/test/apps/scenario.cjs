// What the test apps do, shared by app.cjs and app.mjs (each passes in the SDK it loaded its own way): a plain chat
// call, a streamed one and an embed call, attributed to a user and session.
'use strict';
/* global module */

async function calls(client) {
  const messages = [{ role: 'user', content: 'Name the three primary colours.' }];
  const options = { maxRetries: 0 };
  const chat = await client.chat({ model: 'command-a-03-2025', messages }, options);
  console.log(`CHAT ${chat.finishReason}`);
  const stream = await client.chatStream({ model: 'command-a-03-2025', messages }, options);
  let text = '';
  for await (const event of stream) if (event.type === 'content-delta') text += event.delta.message.content.text;
  console.log(`STREAM ${text}`);
  const embed = await client.embed(
    {
      model: 'embed-v4.0',
      texts: ['hello', 'goodbye cruel world'],
      inputType: 'search_document',
      embeddingTypes: ['float'],
    },
    options,
  );
  console.log(`EMBED ${embed.embeddings.float.length}`);
}

async function runScenario({ CohereClientV2, withLlmContext }) {
  // CO_API_KEY comes from the environment, as in a real app; the server URL points at the fake provider.
  const client = new CohereClientV2({ environment: process.env.COHERE_SERVER_URL });
  await withLlmContext({ userId: 'user-123', sessionId: 'session-9' }, () => calls(client));
  console.log('APP DONE');
}

module.exports = { runScenario };

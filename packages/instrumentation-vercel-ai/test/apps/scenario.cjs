// What the test apps do, shared by app.cjs and app.mjs (each passes in the modules it loaded its own way): the AI
// SDK's OpenTelemetry integration registered, then a generateText and a streamText call attributed to a user.
'use strict';
/* global module */

async function runScenario({ ai, createOpenAI, OpenTelemetry, withLlmContext }) {
  ai.registerTelemetry(new OpenTelemetry());
  // OPENAI_API_KEY and OPENAI_BASE_URL come from the environment, as in a real app.
  const openai = createOpenAI();
  await withLlmContext({ userId: 'user-123' }, async () => {
    const generated = await ai.generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'Hello?', maxRetries: 0 });
    console.log(`GENERATE ${generated.text}`);
    const streamed = ai.streamText({ model: openai.chat('gpt-4o-mini'), prompt: 'Hello again?', maxRetries: 0 });
    console.log(`STREAM ${await streamed.text}`);
  });
  console.log('APP DONE');
}

module.exports = { runScenario };

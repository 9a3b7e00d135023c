// What the AI SDK test apps do, shared by ai-sdk-app.cjs and ai-sdk-app.mjs (each passes in the modules it loaded its
// own way): a generateText and a streamText call of AI SDK v7 through its fetch-based OpenAI provider, attributed to
// a user. No telemetry code unless APP_REGISTER asks for it: "own" registers @ai-sdk/otel's OpenTelemetry after
// start-up, as an app that already did it itself; "legacy" registers its LegacyOpenTelemetry instead.
'use strict';
/* global module */

const PROMPT = 'Which ocean contains Bouvet Island?';

async function runScenario({ ai, createOpenAI, otel, withLlmContext }) {
  if (process.env.APP_REGISTER === 'own') ai.registerTelemetry(new otel.OpenTelemetry());
  else if (process.env.APP_REGISTER === 'legacy') ai.registerTelemetry(new otel.LegacyOpenTelemetry());
  // OPENAI_API_KEY and OPENAI_BASE_URL come from the environment, as in a real app.
  const openai = createOpenAI();
  await withLlmContext({ userId: 'user-123' }, async () => {
    const generated = await ai.generateText({ model: openai.chat('gpt-4o-mini'), prompt: PROMPT, maxRetries: 0 });
    console.log(`GENERATE ${generated.text}`);
    const streamed = ai.streamText({ model: openai.chat('gpt-4o-mini'), prompt: PROMPT, maxRetries: 0 });
    console.log(`STREAM ${await streamed.text}`);
  });
  console.log('APP DONE');
}

module.exports = { PROMPT, runScenario };

// What the test apps do, shared by app.cjs and app.mjs (each passes in the SDK it loaded its own way): a Converse
// call, a ConverseStream call and, through the aggregated `BedrockRuntime` client, an InvokeModelWithResponseStream
// call to Claude, attributed to a user and session. Region, endpoint and credentials come from the environment.
'use strict';
/* global module */

const PROMPT = [{ role: 'user', content: [{ text: 'Say this is a test' }] }];
const CONFIG = { maxTokens: 10, stopSequences: ['|'], temperature: 0.8, topP: 1 };
const CLAUDE_BODY = {
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 12,
  top_k: 250,
  stop_sequences: ['|'],
  temperature: 0.8,
  top_p: 1,
  messages: [
    { role: 'user', content: [{ type: 'text', text: '\n\nHuman: Hello, How are you today? \n\nAssistant:' }] },
  ],
};

async function calls(sdk) {
  const client = new sdk.BedrockRuntimeClient({});
  const converse = await client.send(
    new sdk.ConverseCommand({ modelId: 'amazon.titan-text-lite-v1', messages: PROMPT, inferenceConfig: CONFIG }),
  );
  console.log(`CONVERSE ${converse.stopReason}`);
  const streamed = await client.send(
    new sdk.ConverseStreamCommand({ modelId: 'amazon.titan-text-lite-v1', messages: PROMPT, inferenceConfig: CONFIG }),
  );
  let deltas = 0;
  for await (const event of streamed.stream) if (event.contentBlockDelta) deltas++;
  console.log(`STREAM ${deltas}`);
  const aggregated = new sdk.BedrockRuntime({});
  const invoked = await aggregated.invokeModelWithResponseStream({
    modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
    body: JSON.stringify(CLAUDE_BODY),
  });
  let chunks = 0;
  for await (const event of invoked.body) if (event.chunk) chunks++;
  console.log(`INVOKE ${chunks}`);
  client.destroy();
  aggregated.destroy();
}

async function runScenario({ sdk, withLlmContext }) {
  await withLlmContext({ userId: 'user-123', sessionId: 'session-9' }, () => calls(sdk));
  console.log('APP DONE');
}

module.exports = { runScenario };

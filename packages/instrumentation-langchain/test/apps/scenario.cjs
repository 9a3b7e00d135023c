// What the test apps do, shared by app.cjs and app.mjs (each passes in the modules it loaded its own way): a
// prompt | ChatOpenAI chain invoked and streamed, attributed to a user, over the (instrumented) openai SDK.
'use strict';
/* global module */

async function runScenario({ ChatOpenAI, ChatPromptTemplate, withLlmContext }) {
  // OPENAI_BASE_URL comes from the environment, as in a real app.
  const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'test-key', maxRetries: 0 });
  const chain = ChatPromptTemplate.fromMessages([
    ['system', 'Be brief.'],
    ['human', '{question}'],
  ]).pipe(model);
  await withLlmContext({ userId: 'user-123' }, async () => {
    const answer = await chain.invoke({ question: 'Hello?' });
    console.log(`INVOKE ${answer.content}`);
    let text = '';
    for await (const chunk of await chain.stream({ question: 'Hello again?' })) text += chunk.content;
    console.log(`STREAM ${text}`);
  });
  console.log('APP DONE');
}

module.exports = { runScenario };

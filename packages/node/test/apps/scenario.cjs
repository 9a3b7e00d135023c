// What the test apps do, shared by app.cjs and app.mjs (each passes in the SDK it loaded its own way).
// APP_SCENARIO: "calls" (default): a chat call, a streamed chat call and an embeddings call, then exit normally;
// "signal": one chat call, print READY and wait to be killed (APP_OWN_SIGTERM=1 adds the app's own handler);
// "worker": one chat call here and one in a worker thread.
'use strict';
/* global module, setInterval, clearInterval */

const PROMPT = 'Answer in up to 3 words: Which ocean contains Bouvet Island?';

function client(OpenAI) {
  return new OpenAI({ apiKey: 'sk-test-not-a-real-key', baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0 });
}

async function chat(openai) {
  const res = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: PROMPT }],
  });
  console.log(`CHAT ${res.choices[0].message.content}`);
}

async function calls(openai) {
  await chat(openai);
  const stream = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: PROMPT }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  console.log(`STREAM ${text}`);
  const emb = await openai.embeddings.create({
    model: 'text-embedding-3-small',
    input: ['One fish', 'two fish', 'red fish', 'blue fish'],
    encoding_format: 'float',
  });
  console.log(`EMBEDDINGS ${emb.data.length}`);
}

async function runScenario({ OpenAI, withLlmContext, Worker, workerFile }) {
  const openai = client(OpenAI);
  const scenario = process.env.APP_SCENARIO ?? 'calls';
  const attribution = { userId: 'user-123', sessionId: 'session-9', agentName: 'test-agent' };
  if (scenario === 'calls') {
    await withLlmContext(attribution, () => calls(openai));
  } else if (scenario === 'signal') {
    await withLlmContext(attribution, () => chat(openai));
    const keepAlive = setInterval(() => {}, 1000);
    if (process.env.APP_OWN_SIGTERM === '1') {
      process.once('SIGTERM', () => {
        console.log('APP GOT SIGTERM');
        clearInterval(keepAlive);
      });
    }
    console.log('READY');
    return;
  } else if (scenario === 'worker') {
    await withLlmContext(attribution, () => chat(openai));
    const worker = new Worker(workerFile, { workerData: { baseURL: process.env.OPENAI_BASE_URL } });
    const report = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    console.log(`WORKER ${JSON.stringify(report)}`);
    await new Promise((resolve) => worker.once('exit', resolve));
  }
  console.log('APP DONE');
}

async function runInWorker({ OpenAI, parentPort }) {
  const sdkInWorker = globalThis[Symbol.for('llmtel.node.sdk')]?.handle !== undefined;
  await chat(client(OpenAI));
  parentPort.postMessage({ sdkInWorker });
}

module.exports = { runScenario, runInWorker, PROMPT };

'use strict';
/* global module, Headers */
// The calls every spawned test app makes, against the loopback fake provider at FAKE_URL. The test enqueues the
// answering fixtures in this order.

/** Google auth that never leaves the process (see test/helpers.ts). */
function offlineAuthClient(major) {
  const headers =
    major >= 2 ? new Headers({ authorization: 'Bearer test-token' }) : { authorization: 'Bearer test-token' };
  return { getRequestHeaders: () => Promise.resolve(headers) };
}

async function runScenario({ GoogleGenAI, major }) {
  const baseUrl = process.env.FAKE_URL;
  const vertex = new GoogleGenAI({
    vertexai: true,
    project: 'test-project',
    location: 'test-location',
    apiVersion: 'v1beta1',
    httpOptions: { baseUrl },
    googleAuthOptions: { authClient: offlineAuthClient(major) },
  });
  const gemini = new GoogleGenAI({ apiKey: 'test-key', apiVersion: 'v1beta', httpOptions: { baseUrl } });
  const contents = [{ parts: [{ text: 'Create a poem about Open Telemetry.' }], role: 'user' }];

  const plain = await vertex.models.generateContent({ model: 'gemini-2.5-flash', contents });
  let streamed = '';
  for await (const chunk of await vertex.models.generateContentStream({ model: 'gemini-2.5-flash', contents })) {
    streamed += chunk.text ?? '';
  }
  const chat = gemini.chats.create({ model: 'gemini-2.0-flash' });
  await chat.sendMessage({ message: 'I have 2 dogs in my house.' });
  await chat.sendMessage({ message: 'How many paws are in my house?' });
  await gemini.models.embedContent({
    model: 'gemini-embedding-001',
    contents: ['What is the meaning of life?', 'How does the brain work?'],
    config: { outputDimensionality: 4 },
  });
  console.log(`answers ${plain.text.length} ${streamed.length}`);
}

module.exports = { runScenario };

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { startFakeProvider, loadFixture } from '@llmtel/test-utils';
const dir = process.argv[2];
const req = createRequire(dir);
const { GoogleGenAI } = req('@google/genai');
const main = req.resolve('@google/genai');
const version = JSON.parse(readFileSync(main.slice(0, main.indexOf('/dist/')) + '/package.json', 'utf8')).version;
const major = Number(version.split('.')[0]);
console.log('version', version, main);
const fake = await startFakeProvider();
const headers = major >= 2 ? new Headers({ authorization: 'Bearer t' }) : { authorization: 'Bearer t' };
const ai = new GoogleGenAI({ vertexai: true, project: 'test-project', location: 'test-location', apiVersion: 'v1beta1',
  httpOptions: { baseUrl: fake.url }, googleAuthOptions: { authClient: { getRequestHeaders: async () => headers } } });
fake.enqueue(loadFixture('gcp.vertex_ai', 'non-streaming-excludecontent-sync'));
const r = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Create a poem about Open Telemetry.' });
console.log(Object.keys(r), r.usageMetadata, fake.requests[0].headers.authorization, JSON.stringify(fake.requests[0].body));
fake.enqueue(loadFixture('gcp.vertex_ai', 'streaming-excludecontent-sync'));
const s = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Create a poem about Open Telemetry.' });
let n = 0; for await (const c of s) { n++; if (c.usageMetadata) console.log(JSON.stringify(c.usageMetadata).slice(0,150), c.candidates[0].finishReason); }
console.log(n, fake.requests[1].path, fake.requests[1].query, fake.requests[1].headers['content-type']);
await fake.close();

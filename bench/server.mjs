// Fake OpenAI endpoint for the benchmark. It runs in its own process so that the CPU measured in a worker is only
// the client and its instrumentation. Bodies are rendered once at start; every request gets the same answer at once.
// Prints one JSON line `{"port": N}` on stdout when listening; exits when stdin closes (its parent went away).
import { createServer } from 'node:http';
import { syntheticChatCompletion, syntheticChatCompletionStream } from '@llmtel/test-utils';
import { BENCH_MODEL, STREAM_CHUNKS } from './common.mjs';

const plain = syntheticChatCompletion({ model: BENCH_MODEL, responseModel: `${BENCH_MODEL}-2024-07-18` });
const stream = syntheticChatCompletionStream({
  model: BENCH_MODEL,
  responseModel: `${BENCH_MODEL}-2024-07-18`,
  chunks: STREAM_CHUNKS,
  includeUsage: true,
});

function rendered(fixture, body) {
  const buf = Buffer.from(body);
  return { buf, headers: { ...fixture.response.headers, 'content-length': String(buf.length) } };
}

const PLAIN = rendered(plain, JSON.stringify(plain.response.body));
const STREAM = rendered(stream, stream.response.sse);
const NOT_FOUND = rendered(
  plain,
  JSON.stringify({ error: { type: 'not_found', message: 'bench server: unknown path' } }),
);
const STREAM_FLAG = Buffer.from('"stream":true');

const server = createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, NOT_FOUND.headers).end(NOT_FOUND.buf);
      return;
    }
    const body = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    const answer = body.includes(STREAM_FLAG) ? STREAM : PLAIN;
    res.writeHead(200, answer.headers).end(answer.buf);
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 61_000;

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();

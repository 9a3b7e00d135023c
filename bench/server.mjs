// Fake OpenAI and Anthropic endpoints for the benchmark. It runs in its own process so that the CPU measured in a
// worker is only the client and its instrumentation. Bodies are rendered once at start (bodies.mjs); every request
// gets the same answer at once.
// Prints one JSON line `{"port": N}` on stdout when listening; exits when stdin closes (its parent went away).
import { createServer } from 'node:http';
import { answerFor } from './bodies.mjs';

const server = createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    const body = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    const answer = answerFor(req.method, req.url, body);
    res.writeHead(answer.status, answer.headers).end(answer.buf);
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

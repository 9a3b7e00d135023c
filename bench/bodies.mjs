// The fake OpenAI and Anthropic answers of the benchmark, rendered once: served over loopback HTTP by server.mjs,
// or handed to the SDK by the worker's in-process `fetch` (`--transport inproc`).
import { syntheticChatCompletion, syntheticChatCompletionStream } from '@llmtel/test-utils';
import { ANTHROPIC_MODEL, BENCH_MODEL, STREAM_CHUNKS } from './common.mjs';

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
const STREAM_FLAG = '"stream":true';

// Anthropic Messages API bodies, shaped like the recorded exchanges in /work/shared/fixtures/anthropic: the same
// fields in the same order, usage with the cache fields, and an SSE stream with a `ping` after the first block starts.
const ANTHROPIC_HEADERS = {
  'content-type': 'application/json',
  'request-id': 'req_011CYfQP44pFSHNJSnZKmaAe',
  'anthropic-organization-id': '00000000-0000-0000-0000-000000000000',
  'anthropic-ratelimit-requests-limit': '1000',
  'anthropic-ratelimit-requests-remaining': '999',
  'anthropic-ratelimit-requests-reset': '2026-03-03T03:03:22Z',
  'anthropic-ratelimit-tokens-limit': '540000',
  'anthropic-ratelimit-tokens-remaining': '540000',
  'anthropic-ratelimit-tokens-reset': '2026-03-03T03:03:22Z',
};
const anthropicUsage = (outputTokens) => ({
  input_tokens: 13,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
  output_tokens: outputTokens,
  service_tier: 'standard',
});
const pieces = Array.from({ length: STREAM_CHUNKS }, (_, i) => (i === 0 ? 'Hello' : ` word${i}`));
const ANTHROPIC_PLAIN = rendered(
  { response: { headers: ANTHROPIC_HEADERS } },
  JSON.stringify({
    model: ANTHROPIC_MODEL,
    id: 'msg_01BpXsyrS2qCTuzQnTbLsB9w',
    type: 'message',
    role: 'assistant',
    content: [{ type: 'text', text: pieces.join('') }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: anthropicUsage(STREAM_CHUNKS),
  }),
);
const sse = (event, data) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const ANTHROPIC_STREAM = rendered(
  { response: { headers: { ...ANTHROPIC_HEADERS, 'content-type': 'text/event-stream; charset=utf-8' } } },
  [
    sse('message_start', {
      type: 'message_start',
      message: {
        model: ANTHROPIC_MODEL,
        id: 'msg_01BpXsyrS2qCTuzQnTbLsB9w',
        type: 'message',
        role: 'assistant',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: anthropicUsage(2),
      },
    }),
    sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    sse('ping', { type: 'ping' }),
    ...pieces.map((text) =>
      sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
    ),
    sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: 13,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: STREAM_CHUNKS,
      },
    }),
    sse('message_stop', { type: 'message_stop' }),
  ].join(''),
);
const ROUTES = new Map([
  ['/v1/chat/completions', { plain: PLAIN, stream: STREAM }],
  ['/v1/messages', { plain: ANTHROPIC_PLAIN, stream: ANTHROPIC_STREAM }],
]);

/**
 * The answer to `POST <path>` with `body` (a Buffer or string): the stream when the body asks for one.
 * `{ status, headers, buf }`; 404 for an unknown path.
 */
export function answerFor(method, path, body) {
  const route = method === 'POST' ? ROUTES.get(path) : undefined;
  if (!route) return { status: 404, ...NOT_FOUND };
  return { status: 200, ...(body.includes(STREAM_FLAG) ? route.stream : route.plain) };
}

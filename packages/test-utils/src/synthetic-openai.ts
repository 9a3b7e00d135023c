import { type Fixture, type FixtureUsage } from './fixtures.js';

/** Token counts for a synthetic OpenAI exchange (same names as {@link FixtureUsage}). */
export interface SyntheticUsage {
  input_tokens: number;
  output_tokens: number;
  /** Reported as `prompt_tokens_details.cached_tokens`. Default 0. */
  cache_read_input_tokens?: number;
  /** Reported as `completion_tokens_details.reasoning_tokens`. Default 0. */
  reasoning_tokens?: number;
}

/** Options shared by the synthetic chat completion helpers. */
export interface SyntheticChatOptions {
  /** Request model. */
  model: string;
  /** Response model; default: `model`. */
  responseModel?: string;
  /** Response id; default `chatcmpl-synthetic<N>`. */
  id?: string;
  /** Default: `{ input_tokens: 12, output_tokens: <number of content pieces> }`. */
  usage?: SyntheticUsage;
  /** Default `'stop'`. */
  finishReason?: string;
  /** Unix seconds; default 1750000000. */
  created?: number;
  /** Request messages; default one user message. */
  messages?: unknown[];
}

/** Options for {@link syntheticChatCompletion}. */
export interface SyntheticChatCompletionOptions extends SyntheticChatOptions {
  /** Assistant message text; default `'Hello from a synthetic completion.'`. */
  content?: string;
}

/** Options for {@link syntheticChatCompletionStream}. */
export interface SyntheticChatCompletionStreamOptions extends SyntheticChatOptions {
  /**
   * Content deltas: a count (pieces of `content`, or `tok0 `, `tok1 `, ... when no content is given) or the exact
   * pieces.
   */
  chunks: number | string[];
  /** Full assistant text to split into `chunks` pieces (only when `chunks` is a number). */
  content?: string;
  /** The request sets `stream_options.include_usage` and the stream ends with a usage chunk (`choices: []`). */
  includeUsage: boolean;
}

const SYNTHETIC_NOTE = 'synthetic: made up by @llmtel/test-utils, not recorded against the real API';
const DEFAULT_MESSAGES = [{ role: 'user', content: 'Say hello.' }];
let nextId = 1;

function openAiUsage(u: SyntheticUsage): Record<string, unknown> {
  return {
    prompt_tokens: u.input_tokens,
    completion_tokens: u.output_tokens,
    total_tokens: u.input_tokens + u.output_tokens,
    prompt_tokens_details: { cached_tokens: u.cache_read_input_tokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoning_tokens ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function fixtureUsage(u: SyntheticUsage, from: string): FixtureUsage {
  return {
    input_tokens: u.input_tokens,
    output_tokens: u.output_tokens,
    total_tokens: u.input_tokens + u.output_tokens,
    cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
    cache_creation_input_tokens: null,
    reasoning_tokens: u.reasoning_tokens ?? 0,
    from,
    raw: openAiUsage(u),
  };
}

function responseHeaders(contentType: string): Record<string, string> {
  return { 'content-type': contentType, 'openai-version': '2020-10-01', 'x-request-id': `req_synthetic${nextId}` };
}

function splitContent(chunks: number | string[], content: string | undefined): string[] {
  if (Array.isArray(chunks)) return chunks;
  if (!Number.isInteger(chunks) || chunks < 0) throw new TypeError(`chunks must be a non-negative integer: ${chunks}`);
  if (content === undefined) return Array.from({ length: chunks }, (_, i) => `tok${i} `);
  const n = Math.min(chunks, content.length);
  const size = Math.ceil(content.length / Math.max(n, 1));
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) pieces.push(content.slice(i * size, (i + 1) * size));
  return pieces.filter((p) => p.length > 0);
}

/**
 * A synthetic (not recorded) non-streamed OpenAI chat completion exchange, shaped exactly like the API's answer to
 * `POST /v1/chat/completions`. The fixture has `synthetic: true` and `source: 'synthetic:syntheticChatCompletion'`.
 */
export function syntheticChatCompletion(options: SyntheticChatCompletionOptions): Fixture {
  const id = options.id ?? `chatcmpl-synthetic${nextId}`;
  const content = options.content ?? 'Hello from a synthetic completion.';
  const usage = options.usage ?? { input_tokens: 12, output_tokens: 6 };
  const fixture: Fixture = {
    provider: 'openai',
    operation: 'chat',
    stream: false,
    source: 'synthetic:syntheticChatCompletion',
    synthetic: true,
    request: {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body: { model: options.model, messages: options.messages ?? DEFAULT_MESSAGES },
    },
    response: {
      status: 200,
      headers: responseHeaders('application/json'),
      body: {
        id,
        object: 'chat.completion',
        created: options.created ?? 1750000000,
        model: options.responseModel ?? options.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: options.finishReason ?? 'stop',
          },
        ],
        usage: openAiUsage(usage),
        service_tier: 'default',
        system_fingerprint: null,
      },
    },
    usage: fixtureUsage(usage, 'body.usage'),
    notes: [SYNTHETIC_NOTE],
  };
  nextId++;
  return fixture;
}

/**
 * A synthetic (not recorded) streamed OpenAI chat completion exchange. The SSE text is formatted as the API does:
 * `data: {json}\n\n` per chunk (a role chunk, one chunk per content piece, a `finish_reason` chunk), with
 * `includeUsage` a final usage chunk with `choices: []` (and `"usage": null` on the earlier chunks), then
 * `data: [DONE]\n\n`. `fixture.usage` is null without `includeUsage`, as for recordings.
 */
export function syntheticChatCompletionStream(options: SyntheticChatCompletionStreamOptions): Fixture {
  const id = options.id ?? `chatcmpl-synthetic${nextId}`;
  const pieces = splitContent(options.chunks, options.content);
  const usage = options.usage ?? { input_tokens: 12, output_tokens: pieces.length };
  const base = {
    id,
    object: 'chat.completion.chunk',
    created: options.created ?? 1750000000,
    model: options.responseModel ?? options.model,
    service_tier: 'default',
    system_fingerprint: null,
  };
  const withUsage = options.includeUsage ? { usage: null } : {};
  const choice = (delta: unknown, finish: string | null): unknown => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  const chunks: unknown[] = [
    { ...base, choices: [choice({ role: 'assistant', content: '', refusal: null }, null)], ...withUsage },
    ...pieces.map((p) => ({ ...base, choices: [choice({ content: p }, null)], ...withUsage })),
    { ...base, choices: [choice({}, options.finishReason ?? 'stop')], ...withUsage },
  ];
  if (options.includeUsage) chunks.push({ ...base, choices: [], usage: openAiUsage(usage) });
  const sse = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n';

  const body: Record<string, unknown> = {
    model: options.model,
    messages: options.messages ?? DEFAULT_MESSAGES,
    stream: true,
  };
  if (options.includeUsage) body.stream_options = { include_usage: true };
  const fixture: Fixture = {
    provider: 'openai',
    operation: 'chat',
    stream: true,
    source: 'synthetic:syntheticChatCompletionStream',
    synthetic: true,
    request: { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body },
    response: { status: 200, headers: responseHeaders('text/event-stream; charset=utf-8'), sse },
    usage: options.includeUsage ? fixtureUsage(usage, 'sse: last chunk with non-null .usage') : null,
    notes: [SYNTHETIC_NOTE],
  };
  nextId++;
  return fixture;
}

/** Extra options for {@link syntheticOpenAiError}. */
export interface SyntheticOpenAiErrorOptions {
  /** Request path; default `/v1/chat/completions`. */
  path?: string;
  /** Extra response headers, e.g. `{ 'retry-after': '1' }` or `{ 'x-should-retry': 'false' }`. */
  headers?: Record<string, string>;
  /** Operation name for the fixture; default `'chat'`. */
  operation?: string;
}

/**
 * A synthetic (not recorded) OpenAI error answer: `status` with body
 * `{ "error": { "message", "type", "param": null, "code" } }`, as the API sends for e.g. 429 `rate_limit_exceeded`.
 */
export function syntheticOpenAiError(
  status: number,
  type: string,
  code: string | null,
  message: string,
  options: SyntheticOpenAiErrorOptions = {},
): Fixture {
  const fixture: Fixture = {
    provider: 'openai',
    operation: options.operation ?? 'chat',
    stream: false,
    source: 'synthetic:syntheticOpenAiError',
    synthetic: true,
    request: { method: 'POST', path: options.path ?? '/v1/chat/completions', headers: {}, body: null },
    response: {
      status,
      headers: { ...responseHeaders('application/json; charset=utf-8'), ...options.headers },
      body: { error: { message, type, param: null, code } },
    },
    usage: null,
    notes: [SYNTHETIC_NOTE],
  };
  nextId++;
  return fixture;
}

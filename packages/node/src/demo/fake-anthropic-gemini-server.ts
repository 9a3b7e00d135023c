import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delay, hash, pieces, readJson, tokensOf } from './fake-common.js';

/**
 * A loopback stand-in for the Anthropic Messages API and the Gemini API, so the demo runs without API keys. It
 * speaks both wire protocols: `POST /v1/messages` (plain JSON, and SSE with message_start / content_block_delta /
 * message_delta usage, https://docs.anthropic.com/en/docs/build-with-claude/streaming) and
 * `POST /v1beta/models/{model}:generateContent` / `:streamGenerateContent?alt=sse` (also under `/v1`) with `usageMetadata`
 * (https://ai.google.dev/api/generate-content). Answers are deterministic and usage is computed from the request
 * size. An Anthropic system prompt marked with `cache_control` is reported as written to the cache the first time
 * and read from it afterwards, as Anthropic's prompt caching does.
 */

export interface FakeAnthropicGeminiServerOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Pause between streamed events, in milliseconds. Default 15. */
  chunkDelayMs?: number;
}

export interface FakeAnthropicGeminiServer {
  /** Base URL for both SDKs, without a version path (`ANTHROPIC_BASE_URL`, Gemini's `httpOptions.baseUrl`). */
  baseUrl: string;
  port: number;
  /** How many API requests were answered. */
  requestCount(): number;
  close(): Promise<void>;
}

/** Anthropic aliases with the dated model id the API reports back. */
const CLAUDE_MODELS: Record<string, string> = {
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-opus-4-1': 'claude-opus-4-1-20250805',
  'claude-sonnet-4-0': 'claude-sonnet-4-20250514',
};
const GEMINI_MODELS = new Set(['gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.5-pro', 'gemini-2.0-flash']);

const ANSWERS = [
  'Your booking can be changed free of charge up to 24 hours before departure.',
  'A window seat offers a view and a wall to lean on during the flight.',
  'Pets under eight kilograms may travel in the cabin in an approved carrier.',
  'Economy tickets include one cabin bag and one personal item.',
  'We have rebooked you on the next available flight.',
];

class ApiError extends Error {
  readonly status: number;
  /** Anthropic's `error.type` or Gemini's `error.status`. */
  readonly kind: string;
  constructor(status: number, kind: string, message: string) {
    super(message);
    this.status = status;
    this.kind = kind;
  }
}

interface State {
  cachedPrefixes: Set<string>;
  requests: number;
  chunkDelayMs: number;
}

/** Output split into streaming pieces; one piece counts as one output token. */
function answerFor(prompt: string, maxTokens: unknown): { parts: string[]; truncated: boolean } {
  const all = pieces(ANSWERS[hash(prompt) % ANSWERS.length] ?? '');
  const limit = typeof maxTokens === 'number' && maxTokens > 0 ? maxTokens : Infinity;
  return all.length > limit ? { parts: all.slice(0, limit), truncated: true } : { parts: all, truncated: false };
}

function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Text of an Anthropic `content` / `system` value (string or array of blocks) and whether a block is cached. */
function blocksText(content: unknown): { text: string; cacheControl: boolean } {
  if (typeof content === 'string') return { text: content, cacheControl: false };
  if (!Array.isArray(content)) return { text: '', cacheControl: false };
  const blocks = content as Array<{ text?: unknown; cache_control?: unknown }>;
  return {
    text: blocks.map((b) => (typeof b?.text === 'string' ? b.text : '')).join('\n'),
    cacheControl: blocks.some((b) => b?.cache_control != null),
  };
}

async function anthropicMessages(state: State, body: any, res: ServerResponse, requestId: string): Promise<void> {
  const headers = { 'request-id': requestId, 'anthropic-organization-id': 'llmtel-demo' };
  if (typeof body.model !== 'string') throw new ApiError(400, 'invalid_request_error', 'model: Field required');
  const responseModel = CLAUDE_MODELS[body.model] ?? (Object.values(CLAUDE_MODELS).includes(body.model) && body.model);
  if (!responseModel) throw new ApiError(404, 'not_found_error', `model: ${body.model}`);
  if (typeof body.max_tokens !== 'number') {
    throw new ApiError(400, 'invalid_request_error', 'max_tokens: Field required');
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new ApiError(400, 'invalid_request_error', 'messages: at least one message is required');
  }
  const messages = body.messages as Array<{ role?: string; content?: unknown }>;
  const system = blocksText(body.system);
  const conversation = messages.map((m) => `${m.role ?? ''}: ${blocksText(m.content).text}`).join('\n');
  // Anthropic's input_tokens excludes the tokens written to or read from the cache.
  const systemTokens = tokensOf(system.text);
  let cacheWrite = 0;
  let cacheRead = 0;
  if (system.cacheControl && systemTokens >= 1024) {
    if (state.cachedPrefixes.has(system.text)) cacheRead = systemTokens;
    else cacheWrite = systemTokens;
    state.cachedPrefixes.add(system.text);
  }
  const inputTokens = tokensOf(system.text) + tokensOf(conversation) + 3 * messages.length + 4 - cacheWrite - cacheRead;
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const answer = answerFor(blocksText(lastUser?.content).text, body.max_tokens);
  const stopReason = answer.truncated ? 'max_tokens' : 'end_turn';
  const id = `msg_llmtel${requestId.slice(4)}`;
  const usage = (outputTokens: number): Record<string, unknown> => ({
    input_tokens: inputTokens,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: cacheWrite, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  });
  const message = (content: unknown[], stop: string | null, outputTokens: number): Record<string, unknown> => ({
    id,
    type: 'message',
    role: 'assistant',
    model: responseModel,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: usage(outputTokens),
  });

  if (body.stream !== true) {
    writeJson(
      res,
      200,
      message([{ type: 'text', text: answer.parts.join('') }], stopReason, answer.parts.length),
      headers,
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
  const event = (type: string, data: Record<string, unknown>): void => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  };
  // message_start carries the input usage (and a provisional output count); message_delta the final output count.
  event('message_start', { message: message([], null, 1) });
  event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  event('ping', {});
  for (const part of answer.parts) {
    await delay(state.chunkDelayMs);
    event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: part } });
  }
  event('content_block_stop', { index: 0 });
  event('message_delta', {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: {
      input_tokens: inputTokens,
      cache_creation_input_tokens: cacheWrite,
      cache_read_input_tokens: cacheRead,
      output_tokens: answer.parts.length,
    },
  });
  event('message_stop', {});
  res.end();
}

async function geminiGenerate(
  state: State,
  apiVersion: string,
  model: string,
  stream: boolean,
  body: any,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  if (!GEMINI_MODELS.has(model)) {
    throw new ApiError(
      404,
      'NOT_FOUND',
      `models/${model} is not found for API version ${apiVersion}, or is not supported for generateContent.`,
    );
  }
  if (!Array.isArray(body.contents) || body.contents.length === 0) {
    throw new ApiError(400, 'INVALID_ARGUMENT', '* GenerateContentRequest.contents: contents is not specified');
  }
  type Content = { role?: string; parts?: Array<{ text?: unknown }> };
  const text = (c: Content | undefined): string =>
    (c?.parts ?? []).map((p) => (typeof p?.text === 'string' ? p.text : '')).join('');
  const contents = body.contents as Content[];
  const system = text(body.systemInstruction as Content | undefined);
  const promptTokens = tokensOf(system) + contents.reduce((sum, c) => sum + tokensOf(text(c)), 0);
  const lastUser = [...contents].reverse().find((c) => c.role === undefined || c.role === 'user');
  const answer = answerFor(text(lastUser), body.generationConfig?.maxOutputTokens);
  const finishReason = answer.truncated ? 'MAX_TOKENS' : 'STOP';
  const responseId = `llmtel${requestId.slice(4)}`;
  const promptTokensDetails = [{ modality: 'TEXT', tokenCount: promptTokens }];
  const headers = { 'x-request-id': requestId, 'server-timing': 'gfet4t7; dur=1' };

  if (!stream) {
    writeJson(
      res,
      200,
      {
        candidates: [
          {
            content: { parts: [{ text: answer.parts.join('') }], role: 'model' },
            finishReason,
            index: 0,
          },
        ],
        usageMetadata: {
          promptTokenCount: promptTokens,
          candidatesTokenCount: answer.parts.length,
          totalTokenCount: promptTokens + answer.parts.length,
          promptTokensDetails,
        },
        modelVersion: model,
        responseId,
      },
      headers,
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  // Every chunk carries usageMetadata with the prompt count; only the last one adds candidatesTokenCount.
  for (let i = 0; i < answer.parts.length; i++) {
    await delay(state.chunkDelayMs);
    const last = i === answer.parts.length - 1;
    const chunk = {
      candidates: [
        {
          content: { parts: [{ text: answer.parts[i] }], role: 'model' },
          ...(last ? { finishReason } : {}),
          index: 0,
        },
      ],
      usageMetadata: last
        ? {
            promptTokenCount: promptTokens,
            candidatesTokenCount: answer.parts.length,
            totalTokenCount: promptTokens + answer.parts.length,
            promptTokensDetails,
          }
        : { promptTokenCount: promptTokens, totalTokenCount: promptTokens, promptTokensDetails },
      modelVersion: model,
      responseId,
    };
    res.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
  }
  res.end();
}

// The Gemini API serves the same models under its stable and beta versions; recent SDKs default to v1.
const GEMINI_PATH = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

export async function startFakeAnthropicGeminiServer(
  options: FakeAnthropicGeminiServerOptions = {},
): Promise<FakeAnthropicGeminiServer> {
  const state: State = { cachedPrefixes: new Set(), requests: 0, chunkDelayMs: options.chunkDelayMs ?? 15 };

  async function handleAnthropic(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    try {
      if (!req.headers['x-api-key'] && !req.headers.authorization) {
        throw new ApiError(401, 'authentication_error', 'x-api-key header is required');
      }
      const body = await readJson(
        req,
        new ApiError(400, 'invalid_request_error', 'The request body is not valid JSON.'),
      );
      if (body === null || typeof body !== 'object') {
        throw new ApiError(400, 'invalid_request_error', 'The request body must be a JSON object.');
      }
      await anthropicMessages(state, body, res, requestId);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(500, 'api_error', 'Internal server error');
      if (res.headersSent) res.destroy();
      else {
        const body = { type: 'error', error: { type: e.kind, message: e.message }, request_id: requestId };
        writeJson(res, e.status, body, { 'request-id': requestId });
      }
    }
  }

  async function handleGemini(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    match: RegExpExecArray,
    query: URLSearchParams,
  ): Promise<void> {
    try {
      if (!req.headers['x-goog-api-key'] && !query.get('key')) {
        throw new ApiError(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers.");
      }
      const body = await readJson(req, new ApiError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'));
      if (body === null || typeof body !== 'object') {
        throw new ApiError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
      }
      const stream = match[3] === 'streamGenerateContent';
      if (stream && query.get('alt') !== 'sse') {
        throw new ApiError(400, 'INVALID_ARGUMENT', 'This fake only streams with alt=sse.');
      }
      await geminiGenerate(
        state,
        match[1] ?? 'v1beta',
        decodeURIComponent(match[2] ?? ''),
        stream,
        body,
        res,
        requestId,
      );
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(500, 'INTERNAL', 'Internal error encountered.');
      if (res.headersSent) res.destroy();
      else writeJson(res, e.status, { error: { code: e.status, message: e.message, status: e.kind } }, {});
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    state.requests++;
    const requestId = `req_${String(state.requests).padStart(12, '0')}`;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const gemini = GEMINI_PATH.exec(url.pathname);
    if (req.method === 'POST' && url.pathname === '/v1/messages') return handleAnthropic(req, res, requestId);
    if (req.method === 'POST' && gemini) return handleGemini(req, res, requestId, gemini, url.searchParams);
    writeJson(res, 404, { error: { code: 404, message: `Not found: ${req.method} ${url.pathname}` } }, {});
    return Promise.resolve();
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    requestCount: () => state.requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delay, hash, readJson, tokensOf } from './fake-common.js';
import {
  ApiError,
  EMBEDDING_DIMENSIONS,
  MODELS,
  answerFor,
  chatUsage,
  contentText,
  knownModel,
  startSse,
  usageFor,
  writeJson,
  type State,
} from './fake-openai-wire.js';

/**
 * A loopback stand-in for the OpenAI API, so the demo runs without an API key: it speaks the real wire protocol of
 * chat completions (plain, and SSE streams with `stream_options.include_usage`), embeddings (float and base64) and
 * responses (plain and streamed). Answers are deterministic; usage is computed from the request size; a prompt that
 * is sent again reports cached tokens the way OpenAI's prompt caching does (prompts of 1024+ tokens, 128-token steps).
 */

export interface FakeOpenAIServerOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Pause between streamed events, in milliseconds. Default 15. */
  chunkDelayMs?: number;
}

export interface FakeOpenAIServer {
  /** Base URL for the SDK, including `/v1` (for `OPENAI_BASE_URL`). */
  baseUrl: string;
  port: number;
  /** How many API requests were answered. */
  requestCount(): number;
  close(): Promise<void>;
}

async function chatCompletions(state: State, body: any, res: ServerResponse, requestId: string): Promise<void> {
  const model = knownModel(body.model, 'chat');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new ApiError(400, 'invalid_request_error', null, "'messages' must be a non-empty array", 'messages');
  }
  const messages = body.messages as Array<{ role?: string; content?: unknown }>;
  const promptText = messages.map((m) => `${m.role ?? ''}: ${contentText(m.content)}`).join('\n');
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const n = typeof body.n === 'number' && body.n > 1 ? Math.min(body.n, 8) : 1;
  const { promptTokens, cachedTokens } = usageFor(state, promptText, tokensOf(promptText) + 3 * messages.length + 3);
  const choices = Array.from({ length: n }, (_, i) =>
    answerFor(`${contentText(lastUser?.content)}#${i}`, body.max_completion_tokens ?? body.max_tokens),
  );
  const completionTokens = choices.reduce((sum, c) => sum + c.parts.length, 0);
  const id = `chatcmpl-llmtel${requestId.slice(4)}`;
  const created = Math.floor(Date.now() / 1000);
  const responseModel = MODELS[model];
  const usage = chatUsage(promptTokens, cachedTokens, completionTokens);

  if (body.stream !== true) {
    writeJson(
      res,
      200,
      {
        id,
        object: 'chat.completion',
        created,
        model: responseModel,
        choices: choices.map((c, index) => ({
          index,
          message: { role: 'assistant', content: c.parts.join(''), refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: c.finishReason,
        })),
        usage,
        service_tier: 'default',
        system_fingerprint: 'fp_llmtel',
      },
      requestId,
    );
    return;
  }

  startSse(res, requestId);
  const includeUsage = body.stream_options?.include_usage === true;
  const chunk = (choicesPart: unknown[], extra: Record<string, unknown> = {}): string =>
    `data: ${JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created,
      model: responseModel,
      service_tier: 'default',
      system_fingerprint: 'fp_llmtel',
      choices: choicesPart,
      ...(includeUsage ? { usage: null } : {}),
      ...extra,
    })}\n\n`;
  for (let index = 0; index < n; index++) {
    res.write(
      chunk([{ index, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]),
    );
  }
  const longest = Math.max(...choices.map((c) => c.parts.length));
  for (let i = 0; i < longest; i++) {
    await delay(state.chunkDelayMs);
    choices.forEach((c, index) => {
      const part = c.parts[i];
      if (part !== undefined)
        res.write(chunk([{ index, delta: { content: part }, logprobs: null, finish_reason: null }]));
    });
  }
  choices.forEach((c, index) => {
    res.write(chunk([{ index, delta: {}, logprobs: null, finish_reason: c.finishReason }]));
  });
  if (includeUsage) res.write(chunk([], { usage }));
  res.end('data: [DONE]\n\n');
}

function embeddings(body: any, res: ServerResponse, requestId: string): void {
  const model = knownModel(body.model, 'embeddings');
  const inputs: unknown[] = Array.isArray(body.input) ? body.input : [body.input];
  if (inputs.length === 0 || inputs.some((i) => typeof i !== 'string' || i === '')) {
    throw new ApiError(
      400,
      'invalid_request_error',
      null,
      "'input' must be a non-empty string or array of strings",
      'input',
    );
  }
  const dimensions =
    typeof body.dimensions === 'number' && body.dimensions > 0
      ? body.dimensions
      : (EMBEDDING_DIMENSIONS[model] ?? 1536);
  const base64 = body.encoding_format === 'base64';
  const data = (inputs as string[]).map((text, index) => {
    // A deterministic unit vector per input text.
    const vector = new Float32Array(dimensions);
    let seed = hash(text);
    let norm = 0;
    for (let i = 0; i < dimensions; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      vector[i] = seed / 0xffffffff - 0.5;
      norm += vector[i]! * vector[i]!;
    }
    for (let i = 0; i < dimensions; i++) vector[i] = vector[i]! / Math.sqrt(norm);
    const embedding = base64 ? Buffer.from(vector.buffer).toString('base64') : Array.from(vector);
    return { object: 'embedding', index, embedding };
  });
  const promptTokens = (inputs as string[]).reduce((sum, text) => sum + tokensOf(text), 0);
  writeJson(
    res,
    200,
    { object: 'list', data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } },
    requestId,
  );
}

function responseInputText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (Array.isArray(input)) {
    return input
      .map((item) => (item && typeof item === 'object' && 'content' in item ? contentText(item.content) : ''))
      .join('\n');
  }
  return '';
}

async function responses(state: State, body: any, res: ServerResponse, requestId: string): Promise<void> {
  const model = knownModel(body.model, 'chat');
  const input = responseInputText(body.input);
  if (input === '') throw new ApiError(400, 'invalid_request_error', null, "'input' must not be empty", 'input');
  const instructions = typeof body.instructions === 'string' ? body.instructions : null;
  const { promptTokens, cachedTokens } = usageFor(
    state,
    `${instructions ?? ''}\n${input}`,
    tokensOf(`${instructions ?? ''}${input}`) + 7,
  );
  const answer = answerFor(input, body.max_output_tokens);
  const text = answer.parts.join('');
  const id = `resp_llmtel${requestId.slice(4)}`;
  const messageId = `msg_llmtel${requestId.slice(4)}`;
  const createdAt = Math.floor(Date.now() / 1000);
  const usage = {
    input_tokens: promptTokens,
    input_tokens_details: { cached_tokens: cachedTokens },
    output_tokens: answer.parts.length,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: promptTokens + answer.parts.length,
  };
  const incomplete = answer.finishReason === 'length';
  const message = (status: string, content: unknown[]): Record<string, unknown> => ({
    id: messageId,
    type: 'message',
    status,
    content,
    role: 'assistant',
  });
  const outputText = { type: 'output_text', annotations: [], logprobs: [], text };
  const response = (status: string, withOutput: boolean): Record<string, unknown> => ({
    id,
    object: 'response',
    created_at: createdAt,
    status,
    error: null,
    incomplete_details: incomplete && withOutput ? { reason: 'max_output_tokens' } : null,
    instructions,
    max_output_tokens: body.max_output_tokens ?? null,
    model: MODELS[model],
    output: withOutput ? [message(incomplete ? 'incomplete' : 'completed', [outputText])] : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    store: true,
    temperature: body.temperature ?? 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: withOutput ? usage : null,
    user: null,
    metadata: {},
  });
  const finalStatus = incomplete ? 'incomplete' : 'completed';

  if (body.stream !== true) {
    writeJson(res, 200, response(finalStatus, true), requestId);
    return;
  }
  startSse(res, requestId);
  let sequence = 0;
  const event = (type: string, data: Record<string, unknown>): void => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data, sequence_number: sequence++ })}\n\n`);
  };
  event('response.created', { response: response('in_progress', false) });
  event('response.in_progress', { response: response('in_progress', false) });
  event('response.output_item.added', { output_index: 0, item: message('in_progress', []) });
  event('response.content_part.added', {
    item_id: messageId,
    output_index: 0,
    content_index: 0,
    part: { ...outputText, text: '' },
  });
  for (const delta of answer.parts) {
    await delay(state.chunkDelayMs);
    event('response.output_text.delta', { item_id: messageId, output_index: 0, content_index: 0, delta, logprobs: [] });
  }
  event('response.output_text.done', { item_id: messageId, output_index: 0, content_index: 0, text, logprobs: [] });
  event('response.content_part.done', { item_id: messageId, output_index: 0, content_index: 0, part: outputText });
  event('response.output_item.done', { output_index: 0, item: message(finalStatus, [outputText]) });
  event(incomplete ? 'response.incomplete' : 'response.completed', { response: response(finalStatus, true) });
  res.end();
}

export async function startFakeOpenAIServer(options: FakeOpenAIServerOptions = {}): Promise<FakeOpenAIServer> {
  const state: State = { seenPrompts: new Set(), requests: 0, chunkDelayMs: options.chunkDelayMs ?? 15 };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    state.requests++;
    const requestId = `req_${String(state.requests).padStart(12, '0')}`;
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (!req.headers.authorization?.startsWith('Bearer ')) {
        throw new ApiError(401, 'invalid_request_error', 'invalid_api_key', 'You did not provide an API key.');
      }
      if (req.method !== 'POST')
        throw new ApiError(405, 'invalid_request_error', null, `${req.method} is not supported`);
      const body = await readJson(
        req,
        new ApiError(400, 'invalid_request_error', null, 'We could not parse the JSON body of your request.'),
      );
      if (body === null || typeof body !== 'object') {
        throw new ApiError(400, 'invalid_request_error', null, 'The request body must be a JSON object.');
      }
      if (path === '/v1/chat/completions') await chatCompletions(state, body, res, requestId);
      else if (path === '/v1/embeddings') embeddings(body, res, requestId);
      else if (path === '/v1/responses') await responses(state, body, res, requestId);
      else throw new ApiError(404, 'invalid_request_error', null, `Invalid URL (POST ${path})`);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(500, 'server_error', null, 'The server had an error.');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      writeJson(
        res,
        e.status,
        { error: { message: e.message, type: e.type, param: e.param, code: e.code } },
        requestId,
      );
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requestCount: () => state.requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

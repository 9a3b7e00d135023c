import type { ServerResponse } from 'node:http';
import { hash, pieces, tokensOf } from './fake-common.js';

/** The OpenAI wire format of the demo's fake server: known models, errors, usage objects, response headers. */

/** Models the server knows, with the dated snapshot it reports as `model` (as the real API does). */
export const MODELS: Record<string, string> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-5': 'gpt-5-2025-08-07',
  'gpt-5-mini': 'gpt-5-mini-2025-08-07',
  'gpt-5-nano': 'gpt-5-nano-2025-08-07',
  'o4-mini': 'o4-mini-2025-04-16',
  'text-embedding-3-small': 'text-embedding-3-small',
  'text-embedding-3-large': 'text-embedding-3-large',
  'text-embedding-ada-002': 'text-embedding-ada-002',
};
export const EMBEDDING_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

const ANSWERS = [
  'The Atlantic Ocean, near the South Atlantic ridge.',
  'Paris is the capital of France.',
  'A haiku has three lines of five, seven and five syllables.',
  'Water boils at 100 degrees Celsius at sea level.',
  'The quick brown fox jumps over the lazy dog.',
  'Seven is a prime number.',
];

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  constructor(status: number, type: string, code: string | null, message: string, param: string | null = null) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
  }
}

/** The text of a chat message's `content` (string or array of parts). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p) => (p && typeof p === 'object' && 'text' in p ? String(p.text) : '')).join(' ');
  }
  return '';
}

export function knownModel(model: unknown, kind: 'chat' | 'embeddings'): string {
  if (typeof model !== 'string' || model === '') {
    throw new ApiError(400, 'invalid_request_error', null, 'you must provide a model parameter', 'model');
  }
  const isEmbedding = model in EMBEDDING_DIMENSIONS;
  if (!(model in MODELS) || isEmbedding !== (kind === 'embeddings')) {
    throw new ApiError(
      404,
      'invalid_request_error',
      'model_not_found',
      `The model \`${model}\` does not exist or you do not have access to it.`,
    );
  }
  return model;
}

export interface State {
  seenPrompts: Set<string>;
  requests: number;
  chunkDelayMs: number;
}

/**
 * Prompt caching as OpenAI reports it: the longest prefix shared with an earlier prompt counts as cached once it
 * reaches 1024 tokens, in steps of 128 tokens.
 */
export function usageFor(
  state: State,
  prompt: string,
  promptTokens: number,
): { promptTokens: number; cachedTokens: number } {
  let shared = 0;
  for (const seen of state.seenPrompts) {
    let i = 0;
    const max = Math.min(seen.length, prompt.length);
    while (i < max && seen.charCodeAt(i) === prompt.charCodeAt(i)) i++;
    shared = Math.max(shared, i);
  }
  state.seenPrompts.add(prompt);
  const sharedTokens = Math.min(tokensOf(prompt.slice(0, shared)), promptTokens);
  const cachedTokens = sharedTokens >= 1024 ? Math.floor(sharedTokens / 128) * 128 : 0;
  return { promptTokens, cachedTokens };
}

export function answerFor(prompt: string, maxTokens: unknown): { parts: string[]; finishReason: 'stop' | 'length' } {
  const all = pieces(ANSWERS[hash(prompt) % ANSWERS.length] ?? '');
  const limit = typeof maxTokens === 'number' && maxTokens > 0 ? maxTokens : Infinity;
  return all.length > limit
    ? { parts: all.slice(0, limit), finishReason: 'length' }
    : { parts: all, finishReason: 'stop' };
}

export function chatUsage(
  promptTokens: number,
  cachedTokens: number,
  completionTokens: number,
): Record<string, unknown> {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export function writeJson(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'openai-version': '2020-10-01',
    'openai-processing-ms': '1',
    'x-request-id': requestId,
  });
  res.end(text);
}

export function startSse(res: ServerResponse, requestId: string): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'openai-version': '2020-10-01',
    'x-request-id': requestId,
  });
}

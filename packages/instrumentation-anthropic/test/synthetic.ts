import type { Fixture } from '@llmtel/test-utils';

/**
 * Anthropic exchanges the recordings lack (non-zero prompt-cache counts, cache writes by TTL, an in-stream error),
 * made up from the Messages API reference (https://docs.anthropic.com/en/api/messages, .../messages-streaming) and
 * marked `synthetic: true`.
 */

export interface SyntheticUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  /** The cache writes by TTL (`Usage.cache_creation` in the API reference, newer API versions). */
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number } | null;
}

const NOTE = 'made up from the Messages API reference for a case the recordings lack; not recorded';

export function syntheticMessage(options: { model: string; usage: SyntheticUsage; text?: string }): Fixture {
  return {
    provider: 'anthropic',
    operation: 'messages',
    stream: false,
    source: 'synthetic:syntheticMessage',
    synthetic: true,
    request: { method: 'POST', path: '/v1/messages', body: null },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json', 'request-id': 'req_synthetic_1' },
      body: {
        id: 'msg_synthetic_1',
        type: 'message',
        role: 'assistant',
        model: options.model,
        content: [{ type: 'text', text: options.text ?? 'Cached hello.' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: options.usage,
      },
    },
    usage: null,
    notes: [NOTE],
  };
}

function event(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A streamed Message: `message_start` with `startUsage` (its `output_tokens` a placeholder), one text block in
 * `chunks` deltas, then `message_delta` with `deltaUsage` (omitted when `error` cuts the stream short) and
 * `message_stop`. `error` ends the stream with an `error` event after the first delta instead.
 */
export function syntheticStream(options: {
  model: string;
  startUsage: SyntheticUsage;
  deltaUsage?: Partial<SyntheticUsage>;
  chunks?: string[];
  error?: { type: string; message: string };
}): Fixture {
  const chunks = options.chunks ?? ['Cached', ' hello', '.'];
  let sse = event('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_synthetic_stream',
      type: 'message',
      role: 'assistant',
      model: options.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: options.startUsage,
    },
  });
  sse += event('content_block_start', {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'text', text: '' },
  });
  sse += event('ping', { type: 'ping' });
  for (const [i, text] of chunks.entries()) {
    sse += event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
    if (options.error !== undefined && i === 0) {
      sse += event('error', { type: 'error', error: options.error });
      break;
    }
  }
  if (options.error === undefined) {
    sse += event('content_block_stop', { type: 'content_block_stop', index: 0 });
    sse += event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: options.deltaUsage ?? { output_tokens: options.startUsage.output_tokens },
    });
    sse += event('message_stop', { type: 'message_stop' });
  }
  return {
    provider: 'anthropic',
    operation: 'messages',
    stream: true,
    source: 'synthetic:syntheticStream',
    synthetic: true,
    request: { method: 'POST', path: '/v1/messages', body: null },
    response: { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' }, sse },
    usage: null,
    notes: [NOTE],
  };
}

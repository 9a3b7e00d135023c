import {
  functionToolCallPart,
  type GenAiMessage,
  type GenAiMessagePart,
  isObject,
  pushContentParts,
  stringOr,
} from '@llmtel/core';

/**
 * Pure mappers from the SDK's chat messages (camelCase, as the app passes them and as responses are parsed) to the
 * conventions' message JSON (https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/gen-ai-input-messages.json).
 * Only called when content capture is on, or to build the text that usage estimation counts. Images, documents and
 * audio are described, never copied.
 */

function uriOrBlob(modality: string, url: unknown): GenAiMessagePart {
  const href = isObject(url) ? url.url : url;
  if (typeof href === 'string' && !href.startsWith('data:')) return { type: 'uri', modality, uri: href };
  return { type: 'blob', modality };
}

/** One `ContentChunk`. */
function contentPart(chunk: unknown): GenAiMessagePart | undefined {
  if (typeof chunk === 'string') return { type: 'text', content: chunk };
  if (!isObject(chunk)) return undefined;
  switch (chunk.type) {
    case 'text':
      return { type: 'text', content: stringOr(chunk.text) ?? '' };
    case 'thinking': {
      const inner = Array.isArray(chunk.thinking) ? chunk.thinking : [];
      const text = inner.map((t: unknown) => (isObject(t) ? (stringOr(t.text) ?? '') : '')).join('');
      return { type: 'reasoning', content: text };
    }
    case 'image_url':
      return uriOrBlob('image', chunk.imageUrl ?? chunk.image_url);
    case 'document_url':
      return uriOrBlob('document', chunk.documentUrl ?? chunk.document_url);
    case 'input_audio':
      return { type: 'blob', modality: 'audio' };
    case 'file': {
      const id = stringOr(chunk.fileId ?? chunk.file_id);
      return id === undefined ? { type: 'file' } : { type: 'file', file_id: id };
    }
    default:
      return { type: typeof chunk.type === 'string' ? chunk.type : 'unknown' };
  }
}

function chatMessage(message: unknown): GenAiMessage {
  if (!isObject(message)) return { role: 'user', parts: [] };
  const role = stringOr(message.role) ?? 'user';
  if (role === 'tool') {
    const id = stringOr(message.toolCallId ?? message.tool_call_id);
    return { role, parts: [{ type: 'tool_call_response', id, response: message.content }] };
  }
  const parts: GenAiMessagePart[] = [];
  pushContentParts(parts, message.content, contentPart);
  const calls = message.toolCalls ?? message.tool_calls;
  if (Array.isArray(calls)) {
    for (const call of calls) {
      const part = functionToolCallPart(call);
      if (part !== undefined) parts.push(part);
    }
  }
  const out: GenAiMessage = { role, parts };
  if (typeof message.name === 'string') out.name = message.name;
  return out;
}

/** `gen_ai.input.messages` of a chat request (system messages stay in the history, as the API receives them). */
export function chatInputMessages(messages: unknown): GenAiMessage[] {
  return Array.isArray(messages) ? messages.map(chatMessage) : [];
}

/** `gen_ai.output.messages` of a chat or FIM completion: one message per choice. */
export function choicesOutputMessages(choices: unknown): GenAiMessage[] {
  if (!Array.isArray(choices)) return [];
  return choices.map((choice: unknown) => {
    const c = isObject(choice) ? choice : {};
    const message = chatMessage(c.message);
    message.role = 'assistant';
    const reason = stringOr(c.finishReason ?? c.finish_reason);
    if (reason !== undefined) message.finish_reason = reason;
    return message;
  });
}

/** `gen_ai.input.messages` of a fill-in-the-middle request: the prompt and, when given, the suffix. */
export function fimInputMessages(prompt: unknown, suffix: unknown): GenAiMessage[] {
  const parts: GenAiMessagePart[] = [];
  if (typeof prompt === 'string') parts.push({ type: 'text', content: prompt });
  if (typeof suffix === 'string' && suffix !== '') parts.push({ type: 'text', content: suffix });
  return parts.length === 0 ? [] : [{ role: 'user', parts }];
}

/** The texts of an embeddings request (`inputs`: one string or many). */
export function embeddingInputs(inputs: unknown): string[] {
  if (typeof inputs === 'string') return [inputs];
  if (Array.isArray(inputs)) return inputs.filter((i): i is string => typeof i === 'string');
  return [];
}

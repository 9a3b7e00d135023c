import {
  functionToolCallPart,
  type GenAiMessage,
  type GenAiMessagePart,
  isObject,
  pushContentParts,
  stringOr,
} from '@llmtel/core';

/**
 * Pure mappers from the SDK's v2 chat messages (camelCase, as the app passes them and as responses are parsed) to the
 * conventions' message JSON (https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/gen-ai-input-messages.json).
 * Only called when content capture is on, or to build the text that usage estimation counts. Images and documents
 * are described, never copied.
 */

function contentPart(item: unknown): GenAiMessagePart | undefined {
  if (typeof item === 'string') return { type: 'text', content: item };
  if (!isObject(item)) return undefined;
  switch (item.type) {
    case 'text':
      return { type: 'text', content: stringOr(item.text) ?? '' };
    case 'thinking':
      return { type: 'reasoning', content: stringOr(item.thinking) ?? '' };
    case 'image_url': {
      const image = item.imageUrl ?? item.image_url;
      const url = isObject(image) ? image.url : image;
      if (typeof url === 'string' && !url.startsWith('data:')) return { type: 'uri', modality: 'image', uri: url };
      return { type: 'blob', modality: 'image' };
    }
    case 'document':
      return { type: 'document' };
    default:
      return { type: typeof item.type === 'string' ? item.type : 'unknown' };
  }
}

/** One v2 chat message (request) or the assistant message of a response. */
function chatMessage(message: unknown): GenAiMessage {
  if (!isObject(message)) return { role: 'user', parts: [] };
  const role = stringOr(message.role) ?? 'user';
  if (role === 'tool') {
    const id = stringOr(message.toolCallId ?? message.tool_call_id);
    return { role, parts: [{ type: 'tool_call_response', id, response: message.content }] };
  }
  const parts: GenAiMessagePart[] = [];
  const plan = stringOr(message.toolPlan ?? message.tool_plan);
  if (plan !== undefined && plan !== '') parts.push({ type: 'reasoning', content: plan });
  pushContentParts(parts, message.content, contentPart);
  const calls = message.toolCalls ?? message.tool_calls;
  if (Array.isArray(calls)) {
    for (const call of calls) {
      const part = functionToolCallPart(call);
      if (part !== undefined) parts.push(part);
    }
  }
  return { role, parts };
}

/** `gen_ai.input.messages` of a v2 chat request (system messages stay in the history, as the API receives them). */
export function chatInputMessages(messages: unknown): GenAiMessage[] {
  return Array.isArray(messages) ? messages.map(chatMessage) : [];
}

/** `gen_ai.output.messages` of a v2 chat response: its one assistant message. */
export function chatOutputMessages(message: unknown, finishReason: string | undefined): GenAiMessage[] {
  if (!isObject(message)) return [];
  const out = chatMessage(message);
  out.role = 'assistant';
  if (finishReason !== undefined) out.finish_reason = finishReason;
  return [out];
}

/** The texts of an embed request: `texts`, and the text parts of `inputs`. */
export function embedTexts(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (Array.isArray(body.texts)) for (const t of body.texts) if (typeof t === 'string') out.push(t);
  if (Array.isArray(body.inputs)) {
    for (const input of body.inputs) {
      const content = isObject(input) && Array.isArray(input.content) ? input.content : [];
      for (const item of content) if (isObject(item) && typeof item.text === 'string') out.push(item.text);
    }
  }
  return out;
}

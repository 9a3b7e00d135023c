import { type GenAiMessage, type GenAiMessagePart, isObject, toolArguments } from '@llmtel/core';
import type { Json } from './utils.js';

/**
 * Pure mappers from OpenAI request/response content to the conventions' message JSON shape
 * (https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/gen-ai-input-messages.json).
 * Only called when content capture is on, or to build the text that usage estimation counts.
 * Binary payloads (base64 images, audio) are described, not copied: they would blow every size cap.
 */

function dataUrlMime(url: string): string | undefined {
  const end = url.indexOf(';');
  return url.startsWith('data:') && end > 5 ? url.slice(5, end) : undefined;
}

function mediaPart(modality: string, url: unknown): GenAiMessagePart {
  if (typeof url === 'string' && !url.startsWith('data:')) return { type: 'uri', modality, uri: url };
  const mime = typeof url === 'string' ? dataUrlMime(url) : undefined;
  return mime === undefined ? { type: 'blob', modality } : { type: 'blob', modality, mime_type: mime };
}

/** One content part of a chat message or a Responses input/output message. */
function contentPart(part: unknown): GenAiMessagePart | undefined {
  if (typeof part === 'string') return { type: 'text', content: part };
  if (!isObject(part)) return undefined;
  switch (part.type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return { type: 'text', content: typeof part.text === 'string' ? part.text : '' };
    case 'refusal':
      return { type: 'text', content: typeof part.refusal === 'string' ? part.refusal : '' };
    case 'image_url':
      return mediaPart('image', isObject(part.image_url) ? part.image_url.url : undefined);
    case 'input_image':
      if (typeof part.file_id === 'string') return { type: 'file', modality: 'image', file_id: part.file_id };
      return mediaPart('image', part.image_url);
    case 'input_audio': {
      const audio = isObject(part.input_audio) ? part.input_audio : {};
      return typeof audio.format === 'string'
        ? { type: 'blob', modality: 'audio', mime_type: `audio/${audio.format}` }
        : { type: 'blob', modality: 'audio' };
    }
    case 'file':
    case 'input_file': {
      const file = isObject(part.file) ? part.file : part;
      if (typeof file.file_id === 'string') return { type: 'file', file_id: file.file_id };
      if (typeof file.file_url === 'string') return { type: 'uri', modality: 'file', uri: file.file_url };
      return { type: 'blob', modality: 'file' };
    }
    default:
      return { type: typeof part.type === 'string' ? part.type : 'unknown' };
  }
}

function pushContent(parts: GenAiMessagePart[], content: unknown): void {
  if (typeof content === 'string') {
    parts.push({ type: 'text', content });
  } else if (Array.isArray(content)) {
    for (const p of content) {
      const part = contentPart(p);
      if (part !== undefined) parts.push(part);
    }
  }
}

function chatToolCall(call: unknown): GenAiMessagePart | undefined {
  if (!isObject(call)) return undefined;
  const id = typeof call.id === 'string' ? call.id : undefined;
  if (isObject(call.function)) {
    return {
      type: 'tool_call',
      id,
      name: String(call.function.name),
      arguments: toolArguments(call.function.arguments),
    };
  }
  if (isObject(call.custom))
    return { type: 'tool_call', id, name: String(call.custom.name), arguments: call.custom.input };
  return undefined;
}

function chatMessage(message: unknown): GenAiMessage {
  if (!isObject(message)) return { role: 'user', parts: [] };
  const role = typeof message.role === 'string' ? message.role : 'user';
  const parts: GenAiMessagePart[] = [];
  if (role === 'tool' || role === 'function') {
    const id = typeof message.tool_call_id === 'string' ? message.tool_call_id : undefined;
    parts.push({ type: 'tool_call_response', id, response: message.content });
    return { role: 'tool', parts };
  }
  pushContent(parts, message.content);
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      const part = chatToolCall(call);
      if (part !== undefined) parts.push(part);
    }
  }
  if (isObject(message.function_call)) {
    const fn = message.function_call;
    parts.push({ type: 'tool_call', name: String(fn.name), arguments: toolArguments(fn.arguments) });
  }
  const out: GenAiMessage = { role, parts };
  if (typeof message.name === 'string') out.name = message.name;
  return out;
}

/** `gen_ai.input.messages` of a chat completion request (system messages stay in the chat history). */
export function chatInputMessages(messages: unknown): GenAiMessage[] {
  return Array.isArray(messages) ? messages.map(chatMessage) : [];
}

/** `gen_ai.output.messages` of a (non-streamed) chat completion: one message per choice. */
export function chatOutputMessages(choices: unknown): GenAiMessage[] {
  if (!Array.isArray(choices)) return [];
  return choices.map((choice: unknown) => {
    const c = isObject(choice) ? choice : {};
    const message = chatMessage(c.message);
    if (isObject(c.message) && typeof c.message.refusal === 'string') {
      message.parts.push({ type: 'text', content: c.message.refusal });
    }
    message.role = isObject(c.message) && typeof c.message.role === 'string' ? c.message.role : 'assistant';
    if (typeof c.finish_reason === 'string') message.finish_reason = c.finish_reason;
    return message;
  });
}

/** `gen_ai.input.messages` of a legacy completion: the prompt(s) as user text. */
export function promptMessages(prompt: unknown): GenAiMessage[] {
  const texts = promptTexts(prompt);
  return texts.length === 0 ? [] : [{ role: 'user', parts: texts.map((content) => ({ type: 'text', content })) }];
}

/** The text of a legacy completion prompt or an embeddings input (token-id arrays have no text to show). */
export function promptTexts(prompt: unknown): string[] {
  if (typeof prompt === 'string') return [prompt];
  if (Array.isArray(prompt)) return prompt.filter((p): p is string => typeof p === 'string');
  return [];
}

/** One message per Responses API input item. */
function responsesItem(item: unknown): GenAiMessage | undefined {
  if (typeof item === 'string') return { role: 'user', parts: [{ type: 'text', content: item }] };
  if (!isObject(item)) return undefined;
  const type = item.type ?? 'message';
  if (type === 'message') {
    const parts: GenAiMessagePart[] = [];
    pushContent(parts, item.content);
    return { role: typeof item.role === 'string' ? item.role : 'user', parts };
  }
  if (type === 'function_call_output' || type === 'custom_tool_call_output') {
    const id = typeof item.call_id === 'string' ? item.call_id : undefined;
    return { role: 'tool', parts: [{ type: 'tool_call_response', id, response: item.output }] };
  }
  const part = responsesOutputPart(item);
  return part === undefined ? undefined : { role: 'assistant', parts: [part] };
}

/** `gen_ai.input.messages` of a Responses API request. */
export function responsesInputMessages(input: unknown): GenAiMessage[] {
  if (typeof input === 'string') return [{ role: 'user', parts: [{ type: 'text', content: input }] }];
  if (!Array.isArray(input)) return [];
  const out: GenAiMessage[] = [];
  for (const item of input) {
    const message = responsesItem(item);
    if (message !== undefined) out.push(message);
  }
  return out;
}

/** `gen_ai.system_instructions` of a Responses API request (`instructions`). */
export function responsesInstructions(instructions: unknown): GenAiMessagePart[] {
  if (typeof instructions === 'string') return [{ type: 'text', content: instructions }];
  return responsesInputMessages(instructions).flatMap((m) => m.parts);
}

function responsesOutputPart(item: Json): GenAiMessagePart | undefined {
  const id = typeof item.call_id === 'string' ? item.call_id : undefined;
  switch (item.type) {
    case 'function_call':
      return { type: 'tool_call', id, name: String(item.name), arguments: toolArguments(item.arguments) };
    case 'custom_tool_call':
      return { type: 'tool_call', id, name: String(item.name), arguments: item.input };
    case 'reasoning': {
      const summary = Array.isArray(item.summary) ? item.summary : [];
      const text = summary.map((s: unknown) => (isObject(s) && typeof s.text === 'string' ? s.text : '')).join('\n');
      return { type: 'reasoning', content: text };
    }
    default:
      return typeof item.type === 'string' ? { type: item.type } : undefined;
  }
}

/** `gen_ai.output.messages` of a Responses API response: one assistant message holding every output item. */
export function responsesOutputMessages(output: unknown, finishReason: string | undefined): GenAiMessage[] {
  if (!Array.isArray(output)) return [];
  const parts: GenAiMessagePart[] = [];
  for (const item of output) {
    if (!isObject(item)) continue;
    if (item.type === 'message') {
      pushContent(parts, item.content);
    } else {
      const part = responsesOutputPart(item);
      if (part !== undefined) parts.push(part);
    }
  }
  const message: GenAiMessage = { role: 'assistant', parts };
  if (finishReason !== undefined) message.finish_reason = finishReason;
  return [message];
}

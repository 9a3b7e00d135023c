import { type GenAiMessage, type GenAiMessagePart, isObject, stringOr } from '@llmtel/core';
import type { Json } from './utils.js';

/**
 * Anthropic content blocks in the GenAI conventions' message shape
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-input-messages.json). Only called when content
 * capture is on, or for the text a token estimate counts.
 */

/** `stop_reason` in the conventions' `finish_reason` vocabulary (output messages only; span attributes keep it raw). */
export function messageFinishReason(stopReason: string): string {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_call';
    case 'refusal':
      return 'content_filter';
    default:
      return stopReason;
  }
}

function mediaPart(block: Json): GenAiMessagePart {
  const modality = block.type === 'image' ? { modality: 'image' } : {};
  const source = isObject(block.source) ? block.source : {};
  switch (source.type) {
    case 'base64':
      return { type: 'blob', ...modality, mime_type: source.media_type, content: source.data };
    case 'url':
      return { type: 'uri', ...modality, uri: source.url };
    case 'file':
      return { type: 'file', ...modality, file_id: source.file_id };
    case 'text':
      return { type: 'text', content: source.data };
    default:
      return { type: String(block.type) };
  }
}

function toolResult(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  const texts = content.filter((b) => isObject(b) && b.type === 'text' && typeof b.text === 'string');
  return texts.length === content.length ? texts.map((b) => (b as Json).text).join('') : content;
}

/** One content block as a message part, or undefined for blocks that carry nothing to show (redacted thinking). */
function part(block: unknown): GenAiMessagePart | undefined {
  if (typeof block === 'string') return { type: 'text', content: block };
  if (!isObject(block)) return undefined;
  switch (block.type) {
    case 'text':
      return { type: 'text', content: stringOr(block.text) ?? '' };
    case 'thinking':
      return { type: 'reasoning', content: stringOr(block.thinking) ?? '' };
    case 'redacted_thinking':
      return undefined;
    case 'tool_use':
    case 'server_tool_use':
    case 'mcp_tool_use':
      return { type: 'tool_call', id: block.id as string, name: stringOr(block.name) ?? '', arguments: block.input };
    case 'tool_result':
    case 'mcp_tool_result':
      return { type: 'tool_call_response', id: block.tool_use_id as string, response: toolResult(block.content) };
    case 'image':
    case 'document':
      return mediaPart(block);
    default:
      return { type: String(block.type) };
  }
}

function parts(content: unknown): GenAiMessagePart[] {
  const blocks = Array.isArray(content) ? (content as unknown[]) : [content];
  const out: GenAiMessagePart[] = [];
  for (const block of blocks) {
    const p = part(block);
    if (p !== undefined) out.push(p);
  }
  return out;
}

/** `messages` of a request body. */
export function inputMessages(messages: unknown): GenAiMessage[] {
  if (!Array.isArray(messages)) return [];
  const out: GenAiMessage[] = [];
  for (const message of messages as unknown[]) {
    if (!isObject(message)) continue;
    out.push({ role: stringOr(message.role) ?? 'user', parts: parts(message.content) });
  }
  return out;
}

/** `system` of a request body: a string or text blocks. */
export function systemInstructions(system: unknown): GenAiMessagePart[] {
  if (system === undefined || system === null || system === '') return [];
  return parts(system);
}

/** The assistant message of a response (or of a stream, rebuilt). */
export function outputMessages(content: unknown, stopReason: unknown): GenAiMessage[] {
  const message: GenAiMessage = { role: 'assistant', parts: parts(content ?? []) };
  if (typeof stopReason === 'string') message.finish_reason = messageFinishReason(stopReason);
  return [message];
}

/** The text a tokenizer would count for these content blocks (for estimates when no usage was reported). */
export function contentText(content: unknown, into: string[] = []): string[] {
  if (typeof content === 'string') {
    into.push(content);
    return into;
  }
  if (!Array.isArray(content)) return into;
  for (const block of content as unknown[]) {
    if (!isObject(block)) continue;
    if (typeof block.text === 'string') into.push(block.text);
    else if (typeof block.thinking === 'string') into.push(block.thinking);
    else if (block.input !== undefined) into.push(JSON.stringify(block.input));
    else if (block.content !== undefined) contentText(block.content, into);
  }
  return into;
}

/** The text of a request's system prompt and messages, for an input token estimate. */
export function requestText(body: Json): string {
  const texts = contentText(body.system);
  if (Array.isArray(body.messages)) {
    for (const message of body.messages as unknown[]) {
      if (isObject(message)) contentText(message.content, texts);
    }
  }
  return texts.join('\n');
}

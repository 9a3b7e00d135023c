import { type GenAiMessage, type GenAiMessagePart, isObject } from '@llmtel/core';
import type { GenerationLike, Json, MessageLike } from './internal-types.js';

/** LangChain message types → the conventions' roles. */
const ROLES: Readonly<Record<string, string>> = {
  human: 'user',
  user: 'user',
  ai: 'assistant',
  assistant: 'assistant',
  system: 'system',
  developer: 'system',
  tool: 'tool',
  function: 'tool',
};

function messageType(message: MessageLike): string | undefined {
  for (const read of [message.getType, message._getType]) {
    if (typeof read !== 'function') continue;
    try {
      const type: unknown = read.call(message);
      if (typeof type === 'string') return type;
    } catch {
      // A message class from another @langchain/core copy may not support it; try the next way.
    }
  }
  return typeof message.type === 'string' ? message.type : undefined;
}

export function roleOf(message: MessageLike): string {
  const type = messageType(message);
  if (type === 'generic' || type === 'chat') {
    const role = (message as { role?: unknown }).role;
    return typeof role === 'string' ? (ROLES[role] ?? role) : 'user';
  }
  return (type !== undefined ? ROLES[type] : undefined) ?? 'user';
}

/** Parts of a content block array (`[{ type: 'text', text }, { type: 'image_url', ... }]`). */
function blockParts(blocks: unknown[]): GenAiMessagePart[] {
  const parts: GenAiMessagePart[] = [];
  for (const block of blocks) {
    if (typeof block === 'string') {
      if (block.length > 0) parts.push({ type: 'text', content: block });
    } else if (isObject(block)) {
      if (block.type === 'text' && typeof block.text === 'string') parts.push({ type: 'text', content: block.text });
      else if (block.type === 'reasoning' && typeof block.reasoning === 'string') {
        parts.push({ type: 'reasoning', content: block.reasoning });
      } else if (block.type === 'thinking' && typeof block.thinking === 'string') {
        parts.push({ type: 'reasoning', content: block.thinking });
      } else if (typeof block.type === 'string' && block.type !== 'tool_use' && block.type !== 'tool_call') {
        // Images, audio, files: the kind only, never the bytes.
        parts.push({ type: block.type });
      }
    }
  }
  return parts;
}

function contentParts(content: unknown): GenAiMessagePart[] {
  if (typeof content === 'string') return content.length > 0 ? [{ type: 'text', content }] : [];
  if (Array.isArray(content)) return blockParts(content);
  return [];
}

function toolCallParts(toolCalls: unknown): GenAiMessagePart[] {
  if (!Array.isArray(toolCalls)) return [];
  const parts: GenAiMessagePart[] = [];
  for (const call of toolCalls) {
    if (!isObject(call) || typeof call.name !== 'string') continue;
    const part: GenAiMessagePart = { type: 'tool_call', name: call.name, arguments: call.args };
    if (typeof call.id === 'string') part.id = call.id;
    parts.push(part);
  }
  return parts;
}

/** One LangChain message in the conventions' shape. */
export function toGenAiMessage(message: MessageLike, finishReason?: string): GenAiMessage {
  const role = roleOf(message);
  let parts: GenAiMessagePart[];
  if (role === 'tool') {
    const response = typeof message.content === 'string' ? message.content : contentParts(message.content);
    const part: GenAiMessagePart = { type: 'tool_call_response', response };
    if (typeof message.tool_call_id === 'string') part.id = message.tool_call_id;
    parts = [part];
  } else {
    parts = [...contentParts(message.content), ...toolCallParts(message.tool_calls)];
  }
  const out: GenAiMessage = { role, parts };
  if (typeof message.name === 'string' && message.name.length > 0) out.name = message.name;
  if (finishReason !== undefined) out.finish_reason = finishReason;
  return out;
}

/** The request's messages, with system messages split off as the conventions' system instructions. */
export function splitSystem(messages: readonly MessageLike[]): { system: GenAiMessagePart[]; input: GenAiMessage[] } {
  const system: GenAiMessagePart[] = [];
  const input: GenAiMessage[] = [];
  for (const message of messages) {
    if (!isObject(message)) continue;
    const converted = toGenAiMessage(message);
    if (converted.role === 'system') system.push(...converted.parts);
    else input.push(converted);
  }
  return { system, input };
}

/** The plain text of a message, for local token estimation. */
export function textOf(message: MessageLike | undefined): string {
  if (message === undefined) return '';
  const texts = contentParts(message.content)
    .filter((p) => p.type === 'text' || p.type === 'reasoning')
    .map((p) => (p as { content: string }).content);
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls as Json[]) texts.push(JSON.stringify(call?.args ?? ''));
  }
  return texts.join('\n');
}

/** The response of a run as the conventions' output messages (one per generation). */
export function outputMessages(
  generations: readonly GenerationLike[],
  finishReasons: readonly string[],
): GenAiMessage[] {
  return generations.map((g, i) => {
    const reason = finishReasons[i];
    if (isObject(g.message)) return toGenAiMessage(g.message, reason);
    const text = typeof g.text === 'string' ? g.text : '';
    const out: GenAiMessage = { role: 'assistant', parts: text ? [{ type: 'text', content: text }] : [] };
    if (reason !== undefined) out.finish_reason = reason;
    return out;
  });
}

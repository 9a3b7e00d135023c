import { stringify } from './json-utils.js';
import type { GenAiMessage, GenAiMessagePart } from './types.js';

/** Tool call arguments as an object when they are JSON text (the conventions' `arguments` is any value). */
export function toolArguments(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * The text a tokenizer counts for messages when the provider reports no usage, one part per line, system
 * instructions first: text and reasoning parts, each tool call as its name and arguments, each tool result.
 */
export function messagesText(messages: readonly GenAiMessage[], system: readonly GenAiMessagePart[] = []): string {
  const out: string[] = [];
  const add = (part: GenAiMessagePart): void => {
    if ((part.type === 'text' || part.type === 'reasoning') && typeof part.content === 'string') out.push(part.content);
    else if (part.type === 'tool_call') out.push(`${String(part.name)} ${stringify(part.arguments)}`);
    else if (part.type === 'tool_call_response') out.push(stringify(part.response));
  };
  for (const part of system) add(part);
  for (const message of messages) for (const part of message.parts) add(part);
  return out.join('\n');
}

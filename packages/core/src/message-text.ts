import { isObject, stringOr, stringify } from './json-utils.js';
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
 * Appends a message's `content` to `parts`: a non-empty string as one text part, an array item by item through the
 * SDK's own `toPart` (an item it cannot map is left out).
 */
export function pushContentParts(
  parts: GenAiMessagePart[],
  content: unknown,
  toPart: (item: unknown) => GenAiMessagePart | undefined,
): void {
  if (typeof content === 'string') {
    if (content !== '') parts.push({ type: 'text', content });
  } else if (Array.isArray(content)) {
    for (const item of content) {
      const part = toPart(item);
      if (part !== undefined) parts.push(part);
    }
  }
}

/**
 * A tool call in the function shape `{ id, function: { name, arguments } }` that OpenAI-compatible APIs share
 * (Mistral, Cohere v2) as a `tool_call` part; JSON arguments are parsed.
 */
export function functionToolCallPart(call: unknown): GenAiMessagePart | undefined {
  if (!isObject(call) || !isObject(call.function)) return undefined;
  return {
    type: 'tool_call',
    id: stringOr(call.id),
    name: stringOr(call.function.name) ?? '',
    arguments: toolArguments(call.function.arguments),
  };
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

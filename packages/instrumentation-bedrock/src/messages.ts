import { type GenAiMessage, type GenAiMessagePart, stringOr } from '@llmtel/core';
import { isObject, parseToolInput, type Json } from './utils.js';

/**
 * Pure mappers from the Bedrock and model-native message formats to the conventions' message JSON shape
 * (https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/gen-ai-input-messages.json).
 * Only called when content capture is on, or to build the text that usage estimation counts.
 * Binary payloads (images, documents, video) are described, not copied: they would blow every size cap.
 */

function blobPart(modality: string, block: Json): GenAiMessagePart {
  const format = stringOr(block.format);
  const source = isObject(block.source) ? block.source : {};
  const s3 = isObject(source.s3Location) ? stringOr(source.s3Location.uri) : undefined;
  if (s3 !== undefined) return { type: 'uri', modality, uri: s3 };
  return format === undefined ? { type: 'blob', modality } : { type: 'blob', modality, format };
}

/** One Converse `ContentBlock` (also the Amazon Nova InvokeModel body's content). */
function converseBlock(block: unknown): GenAiMessagePart | undefined {
  if (!isObject(block)) return undefined;
  if (typeof block.text === 'string') return { type: 'text', content: block.text };
  if (isObject(block.toolUse)) {
    const use = block.toolUse;
    return { type: 'tool_call', id: stringOr(use.toolUseId), name: String(use.name), arguments: use.input };
  }
  if (isObject(block.toolResult)) {
    const result = block.toolResult;
    return { type: 'tool_call_response', id: stringOr(result.toolUseId), response: result.content };
  }
  if (isObject(block.reasoningContent)) {
    const reasoning = block.reasoningContent;
    const text = isObject(reasoning.reasoningText) ? stringOr(reasoning.reasoningText.text) : undefined;
    return { type: 'reasoning', content: text ?? '' };
  }
  if (isObject(block.image)) return blobPart('image', block.image);
  if (isObject(block.video)) return blobPart('video', block.video);
  if (isObject(block.audio)) return blobPart('audio', block.audio);
  if (isObject(block.document)) return blobPart('document', block.document);
  if (isObject(block.guardContent) && isObject(block.guardContent.text)) {
    return { type: 'text', content: stringOr(block.guardContent.text.text) ?? '' };
  }
  // cachePoint and other markers carry no content.
  return undefined;
}

function converseParts(content: unknown): GenAiMessagePart[] {
  const parts: GenAiMessagePart[] = [];
  if (!Array.isArray(content)) return parts;
  for (const block of content) {
    const part = converseBlock(block);
    if (part !== undefined) parts.push(part);
  }
  return parts;
}

/** Converse `messages` (and the Nova InvokeModel body's). */
export function converseMessages(messages: unknown): GenAiMessage[] {
  if (!Array.isArray(messages)) return [];
  return messages.map((m: unknown) => {
    const message = isObject(m) ? m : {};
    return { role: stringOr(message.role) ?? 'user', parts: converseParts(message.content) };
  });
}

/** Converse `system` blocks. */
export function converseSystem(system: unknown): GenAiMessagePart[] {
  return converseParts(system);
}

/** A Converse output message with its stop reason. */
export function converseOutputMessage(message: unknown, stopReason: string | undefined): GenAiMessage[] {
  if (!isObject(message)) return [];
  const out: GenAiMessage = { role: stringOr(message.role) ?? 'assistant', parts: converseParts(message.content) };
  if (stopReason !== undefined) out.finish_reason = stopReason;
  return [out];
}

/** One Anthropic Messages API content block. */
function anthropicBlock(block: unknown): GenAiMessagePart | undefined {
  if (typeof block === 'string') return { type: 'text', content: block };
  if (!isObject(block)) return undefined;
  switch (block.type) {
    case 'text':
      return { type: 'text', content: stringOr(block.text) ?? '' };
    case 'thinking':
      return { type: 'reasoning', content: stringOr(block.thinking) ?? '' };
    case 'redacted_thinking':
      return { type: 'reasoning', content: '' };
    case 'tool_use':
      return { type: 'tool_call', id: stringOr(block.id), name: String(block.name), arguments: block.input };
    case 'tool_result':
      return { type: 'tool_call_response', id: stringOr(block.tool_use_id), response: block.content };
    case 'image':
    case 'document': {
      const source = isObject(block.source) ? block.source : {};
      const mime = stringOr(source.media_type);
      const modality = block.type === 'image' ? 'image' : 'document';
      if (typeof source.url === 'string') return { type: 'uri', modality, uri: source.url };
      return mime === undefined ? { type: 'blob', modality } : { type: 'blob', modality, mime_type: mime };
    }
    default:
      return { type: typeof block.type === 'string' ? block.type : 'unknown' };
  }
}

function anthropicParts(content: unknown): GenAiMessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  const parts: GenAiMessagePart[] = [];
  if (!Array.isArray(content)) return parts;
  for (const block of content) {
    const part = anthropicBlock(block);
    if (part !== undefined) parts.push(part);
  }
  return parts;
}

/** Anthropic `messages`; tool results arrive in user messages and are reported under the `tool` role. */
export function anthropicMessages(messages: unknown): GenAiMessage[] {
  if (!Array.isArray(messages)) return [];
  return messages.map((m: unknown) => {
    const message = isObject(m) ? m : {};
    const parts = anthropicParts(message.content);
    const allResults = parts.length > 0 && parts.every((p) => p.type === 'tool_call_response');
    return { role: allResults ? 'tool' : (stringOr(message.role) ?? 'user'), parts };
  });
}

/** Anthropic `system`: a string or text blocks. */
export function anthropicSystem(system: unknown): GenAiMessagePart[] {
  return anthropicParts(system);
}

/** An Anthropic response `content` with its stop reason. */
export function anthropicOutputMessage(content: unknown, stopReason: string | undefined): GenAiMessage[] {
  const out: GenAiMessage = { role: 'assistant', parts: anthropicParts(content) };
  if (stopReason !== undefined) out.finish_reason = stopReason;
  return [out];
}

/** OpenAI-style chat messages (Mistral chat, DeepSeek, gpt-oss on Bedrock). */
export function chatMessages(messages: unknown): GenAiMessage[] {
  if (!Array.isArray(messages)) return [];
  return messages.map((m: unknown) => chatMessage(isObject(m) ? m : {}));
}

export function chatMessage(message: Json, fallbackRole = 'user'): GenAiMessage {
  const role = stringOr(message.role) ?? fallbackRole;
  if (role === 'tool') {
    return {
      role,
      parts: [{ type: 'tool_call_response', id: stringOr(message.tool_call_id), response: message.content }],
    };
  }
  const parts: GenAiMessagePart[] = [];
  const content = message.content;
  if (typeof content === 'string') parts.push({ type: 'text', content });
  else if (Array.isArray(content)) {
    for (const part of content) {
      if (isObject(part) && typeof part.text === 'string') parts.push({ type: 'text', content: part.text });
      else if (isObject(part)) parts.push({ type: stringOr(part.type) ?? 'unknown' });
    }
  }
  if (typeof message.reasoning_content === 'string')
    parts.push({ type: 'reasoning', content: message.reasoning_content });
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isObject(call) || !isObject(call.function)) continue;
      const fn = call.function;
      const args = typeof fn.arguments === 'string' ? parseToolInput(fn.arguments) : fn.arguments;
      parts.push({ type: 'tool_call', id: stringOr(call.id), name: String(fn.name), arguments: args });
    }
  }
  return { role, parts };
}

/** A plain prompt as one user message. */
export function promptMessages(prompt: unknown): GenAiMessage[] {
  return typeof prompt === 'string' ? [{ role: 'user', parts: [{ type: 'text', content: prompt }] }] : [];
}

/** Generated texts, one assistant message each. */
export function textOutputMessages(texts: readonly string[], finishReasons: readonly (string | undefined)[]) {
  return texts.map((content, i): GenAiMessage => {
    const message: GenAiMessage = { role: 'assistant', parts: [{ type: 'text', content }] };
    const reason = finishReasons[i];
    if (reason !== undefined) message.finish_reason = reason;
    return message;
  });
}

interface Block {
  kind: 'text' | 'reasoning' | 'tool_call';
  pieces: string[];
  id?: string;
  name?: string;
}

/**
 * Assembles a streamed assistant message from its deltas, block by block (Converse, Nova and Anthropic streams all
 * index their content blocks). Pieces are kept by reference, joined only when asked for.
 */
export class MessageAssembler {
  private readonly blocks: Block[] = [];
  finishReason: string | undefined;

  private block(index: number, kind: Block['kind']): Block {
    let block = this.blocks[index];
    if (block === undefined) {
      block = { kind, pieces: [] };
      this.blocks[index] = block;
    }
    return block;
  }

  text(index: number, text: string): void {
    this.block(index, 'text').pieces.push(text);
  }

  reasoning(index: number, text: string): void {
    this.block(index, 'reasoning').pieces.push(text);
  }

  toolStart(index: number, id: string | undefined, name: string | undefined): void {
    const block = this.block(index, 'tool_call');
    block.kind = 'tool_call';
    block.id = id;
    block.name = name;
  }

  toolInput(index: number, json: string): void {
    this.block(index, 'tool_call').pieces.push(json);
  }

  /** Everything generated, for token estimation. */
  generatedText(): string {
    const out: string[] = [];
    for (const block of this.blocks) {
      if (block === undefined) continue;
      if (block.kind === 'tool_call' && block.name !== undefined) out.push(block.name);
      out.push(block.pieces.join(''));
    }
    return out.join('\n');
  }

  message(): GenAiMessage[] {
    const parts: GenAiMessagePart[] = [];
    for (const block of this.blocks) {
      if (block === undefined) continue;
      const joined = block.pieces.join('');
      if (block.kind === 'tool_call') {
        parts.push({ type: 'tool_call', id: block.id, name: block.name ?? '', arguments: parseToolInput(joined) });
      } else {
        parts.push({ type: block.kind, content: joined });
      }
    }
    const message: GenAiMessage = { role: 'assistant', parts };
    if (this.finishReason !== undefined) message.finish_reason = this.finishReason;
    return [message];
  }
}

import { type GenAiMessage, type GenAiMessagePart, isObject } from '@llmtel/core';
import { finishReasonOf, type Json } from './utils.js';

/**
 * Conversions from the SDK's `Content` / `Part` shapes to the conventions' message JSON
 * (https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/gen-ai-input-messages.json).
 * Only called when content capture is on (or a callback handler asks), so they favour clarity over speed.
 */

/** `image/png` → `image`; the conventions' modality values are `image`, `video` and `audio`. */
function modalityOf(mimeType: unknown): string | undefined {
  if (typeof mimeType !== 'string') return undefined;
  const major = mimeType.split('/')[0];
  return major === 'image' || major === 'video' || major === 'audio' ? major : undefined;
}

function partOf(part: unknown): GenAiMessagePart | undefined {
  if (typeof part === 'string') return { type: 'text', content: part };
  if (!isObject(part)) return undefined;
  if (typeof part.text === 'string') {
    return { type: part.thought === true ? 'reasoning' : 'text', content: part.text };
  }
  if (isObject(part.functionCall)) {
    const call = part.functionCall;
    return { type: 'tool_call', id: stringOf(call.id), name: stringOf(call.name) ?? '', arguments: call.args };
  }
  if (isObject(part.functionResponse)) {
    const response = part.functionResponse;
    return { type: 'tool_call_response', id: stringOf(response.id), response: response.response };
  }
  if (isObject(part.inlineData)) {
    // The bytes themselves are not exported: base64 media would blow the attribute size cap (which only truncates
    // text) and would bypass the text redactor.
    const data = part.inlineData;
    return { type: 'blob', mime_type: stringOf(data.mimeType), modality: modalityOf(data.mimeType) };
  }
  if (isObject(part.fileData)) {
    const file = part.fileData;
    return { type: 'uri', mime_type: stringOf(file.mimeType), modality: modalityOf(file.mimeType), uri: file.fileUri };
  }
  if (isObject(part.executableCode)) {
    return { type: 'executable_code', language: part.executableCode.language, code: part.executableCode.code };
  }
  if (isObject(part.codeExecutionResult)) {
    const result = part.codeExecutionResult;
    return { type: 'code_execution_result', outcome: result.outcome, output: result.output };
  }
  return undefined;
}

function partsOf(parts: unknown): GenAiMessagePart[] {
  const out: GenAiMessagePart[] = [];
  for (const part of Array.isArray(parts) ? (parts as unknown[]) : [parts]) {
    const converted = partOf(part);
    if (converted !== undefined) out.push(converted);
  }
  return out;
}

function isContent(value: unknown): value is Json {
  return isObject(value) && (Array.isArray(value.parts) || typeof value.role === 'string');
}

/** Gemini's `model` role is the conventions' `assistant`; a turn of function results is a `tool` message. */
function roleOf(content: Json, parts: readonly GenAiMessagePart[]): string {
  if (content.role === 'model') return 'assistant';
  if (parts.length > 0 && parts.every((p) => p.type === 'tool_call_response')) return 'tool';
  return typeof content.role === 'string' && content.role !== '' ? content.role : 'user';
}

function messageOf(content: Json): GenAiMessage {
  const parts = partsOf(content.parts ?? []);
  return { role: roleOf(content, parts), parts };
}

/**
 * The request's `contents` (a string, a `Part`, a `Content`, or a list of either) as input messages, grouped the way
 * the SDK sends them: a list of parts (or strings) is one user turn.
 */
export function inputMessages(contents: unknown): GenAiMessage[] {
  if (contents === undefined || contents === null) return [];
  const list = Array.isArray(contents) ? (contents as unknown[]) : [contents];
  if (list.length > 0 && list.every(isContent)) return list.map(messageOf);
  const parts = partsOf(list);
  return parts.length > 0 ? [{ role: 'user', parts }] : [];
}

/** `config.systemInstruction` (a string, a `Part`, a list of parts, or a `Content`) as bare parts. */
export function systemInstructions(instruction: unknown): GenAiMessagePart[] {
  if (instruction === undefined || instruction === null) return [];
  return isContent(instruction) ? partsOf(instruction.parts ?? []) : partsOf(instruction);
}

/** The text the request sends, for estimating input tokens when a response reports no usage. */
export function promptText(contents: unknown, instruction?: unknown): string {
  const texts: string[] = [];
  const collect = (messages: readonly GenAiMessage[]) => {
    for (const m of messages) {
      for (const p of m.parts) {
        const content = (p as { content?: unknown }).content;
        if (typeof content === 'string') texts.push(content);
      }
    }
  };
  collect(inputMessages(contents));
  collect([{ role: 'system', parts: systemInstructions(instruction) }]);
  return texts.join('\n');
}

/** A response's candidates as output messages. */
export function candidateMessages(candidates: unknown): GenAiMessage[] {
  if (!Array.isArray(candidates)) return [];
  const out: GenAiMessage[] = [];
  for (const candidate of candidates as unknown[]) {
    if (!isObject(candidate)) continue;
    const content = isObject(candidate.content) ? candidate.content : {};
    const message: GenAiMessage = { role: 'assistant', parts: partsOf(content.parts ?? []) };
    const finish = finishReasonOf(candidate.finishReason);
    if (finish !== undefined) message.finish_reason = finish;
    out.push(message);
  }
  return out;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

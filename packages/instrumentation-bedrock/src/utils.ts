import type { Attributes } from '@opentelemetry/api';
import { isNumber, stopSequences } from '@llmtel/core';

export type Json = Record<string, unknown>;

/** A JSON object: unlike `isObject` of @llmtel/core, not an array (Bedrock bodies tell the two apart). */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function setNumber(attrs: Attributes, key: string, value: unknown): void {
  if (isNumber(value)) attrs[key] = value;
}

/** A stop-sequence setting as a string array (`stop` may be one string). */
export function setStrings(attrs: Attributes, key: string, value: unknown): void {
  const strings = stopSequences(value);
  if (strings !== undefined) attrs[key] = strings;
}

const decoder = new TextDecoder();

/** UTF-8 text of bytes, through a view on them (no copy, no change). */
export function decodeBytes(bytes: ArrayBufferView): string {
  return decoder.decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/**
 * The JSON value of an InvokeModel body: a string, or bytes (`Uint8Array`, `Buffer`, the SDK's `Uint8ArrayBlobAdapter`,
 * any `ArrayBufferView` / `ArrayBuffer`). Streams and `Blob`s cannot be read without consuming them: undefined.
 * The bytes are only read (decoded to a new string), never changed.
 */
export function parseJsonBody(body: unknown): unknown {
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (ArrayBuffer.isView(body)) text = decodeBytes(body);
  else if (body instanceof ArrayBuffer) text = decoder.decode(new Uint8Array(body));
  if (text === undefined || text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Tool-use input streamed as JSON text, as a value when it parses. */
export function parseToolInput(raw: string): unknown {
  if (raw === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

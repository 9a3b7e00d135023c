import type { GenAiMessage, GenAiMessagePart } from './types.js';

/** Which content attribute a value is about to be written to. */
export type ContentField = 'input' | 'output' | 'system';

/**
 * Rewrites one piece of captured text before it is exported (mask e-mail addresses, drop secrets, ...). Return
 * `undefined` to drop the text. Runs only when content capture is enabled.
 */
export type ContentRedactor = (text: string, field: ContentField) => string | undefined;

export const DEFAULT_MAX_CONTENT_LENGTH = 32 * 1024;
const TRUNCATION_MARK = '…[truncated]';

export interface ContentOptions {
  redactor?: ContentRedactor;
  /** Upper bound on the length of one serialized attribute value, in UTF-16 code units. */
  maxLength: number;
}

/**
 * Serializes messages (or bare parts, for `gen_ai.system_instructions`) to the JSON string the conventions define,
 * after redaction, keeping the result valid JSON and within `maxLength` by truncating text parts.
 */
export function serializeContent(
  value: readonly GenAiMessage[] | readonly GenAiMessagePart[],
  field: ContentField,
  options: ContentOptions,
): string | undefined {
  const redacted = options.redactor ? redact(value, field, options.redactor) : value;
  let json = JSON.stringify(redacted);
  if (json.length <= options.maxLength) return json;

  const texts = countTextParts(redacted);
  if (texts > 0) {
    const budget = options.maxLength - (json.length - totalTextLength(redacted));
    const perPart = Math.max(0, Math.floor(budget / texts) - TRUNCATION_MARK.length);
    json = JSON.stringify(mapTexts(redacted, (t) => (t.length > perPart ? t.slice(0, perPart) + TRUNCATION_MARK : t)));
    if (json.length <= options.maxLength) return json;
  }
  return undefined;
}

type Content = readonly GenAiMessage[] | readonly GenAiMessagePart[];

function isMessage(v: GenAiMessage | GenAiMessagePart): v is GenAiMessage {
  return Array.isArray((v as GenAiMessage).parts);
}

function mapParts(value: Content, fn: (part: GenAiMessagePart) => GenAiMessagePart | undefined): Content {
  const mapList = (parts: readonly GenAiMessagePart[]) =>
    parts.map(fn).filter((p): p is GenAiMessagePart => p !== undefined);
  return (value as readonly (GenAiMessage | GenAiMessagePart)[]).map((v) =>
    isMessage(v) ? { ...v, parts: mapList(v.parts) } : (fn(v) ?? { type: 'text', content: '' }),
  ) as Content;
}

function isText(p: GenAiMessagePart): p is { type: 'text' | 'reasoning'; content: string } {
  return (p.type === 'text' || p.type === 'reasoning') && typeof p.content === 'string';
}

function mapTexts(value: Content, fn: (text: string) => string | undefined): Content {
  return mapParts(value, (p) => {
    if (!isText(p)) return p;
    const content = fn(p.content);
    return content === undefined ? undefined : { ...p, content };
  });
}

/** Tool-call arguments and tool results carry user data as much as text does, so the redactor sees them too. */
const PAYLOAD_FIELDS: Readonly<Record<string, string>> = { tool_call: 'arguments', tool_call_response: 'response' };

function redact(value: Content, field: ContentField, redactor: ContentRedactor): Content {
  return mapParts(value, (p) => {
    if (isText(p)) {
      const content = redactor(p.content, field);
      return content === undefined ? undefined : { ...p, content };
    }
    const key = PAYLOAD_FIELDS[p.type];
    const payload = key === undefined ? undefined : (p as Record<string, unknown>)[key];
    if (key === undefined || payload === undefined) return p;
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const redacted = redactor(text, field);
    if (redacted === text) return p;
    return redacted === undefined ? undefined : { ...p, [key]: redacted };
  });
}

function forEachText(value: Content, fn: (text: string) => void): void {
  for (const v of value as readonly (GenAiMessage | GenAiMessagePart)[]) {
    for (const p of isMessage(v) ? v.parts : [v]) {
      if (isText(p)) fn(p.content);
    }
  }
}

function countTextParts(value: Content): number {
  let n = 0;
  forEachText(value, () => n++);
  return n;
}

function totalTextLength(value: Content): number {
  let n = 0;
  forEachText(value, (t) => (n += JSON.stringify(t).length - 2));
  return n;
}

import { isObject } from '@llmtel/core';

/** Provider error types are short identifiers (`invalid_model`, `invalid_request_error`). */
const ERROR_TYPE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** Error bodies are small; a longer one is not parsed. */
const MAX_PARSED_BODY = 64 * 1024;

function bodyType(body: unknown): string | undefined {
  if (typeof body !== 'string' || body.length > MAX_PARSED_BODY || !body.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    const type = isObject(parsed) ? parsed.type : undefined;
    return typeof type === 'string' && ERROR_TYPE.test(type) && type !== 'error' ? type : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The error as the span should classify it. The SDK's `MistralError`s keep the HTTP status in `statusCode` and the
 * raw body, `{"object":"error","message":...,"type":"invalid_model",...}`, in `body`; the recorder reads `type` and
 * `status`, so it gets a view of the same error with those set (`error.type` = the API's error type, else the status).
 * The app's error object is never changed.
 */
export function telemetryError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const own = error as Error & { type?: unknown; status?: unknown; statusCode?: unknown; body?: unknown };
  const extra: PropertyDescriptorMap = {};
  if (own.type === undefined) {
    const type = bodyType(own.body);
    if (type !== undefined) extra.type = { value: type, enumerable: true };
  }
  if (own.status === undefined && typeof own.statusCode === 'number') {
    extra.status = { value: own.statusCode, enumerable: true };
  }
  return Object.keys(extra).length === 0 ? error : (Object.create(error, extra) as Error);
}

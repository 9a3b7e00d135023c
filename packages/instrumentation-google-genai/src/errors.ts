import { isObject } from '@llmtel/core';

/** SDK v1 before `ApiError` (`ClientError` / `ServerError`) kept the HTTP status only in its message. */
const STATUS_IN_MESSAGE = /^got status: (\d{3}) /;
/** Google's canonical error codes (`INVALID_ARGUMENT`, `NOT_FOUND`, `RESOURCE_EXHAUSTED`, ...). */
const CANONICAL_CODE = /^[A-Z][A-Z_]{1,63}$/;
/** Error bodies are small; a message longer than this is not parsed. */
const MAX_PARSED_MESSAGE = 64 * 1024;

/**
 * The provider's error code in an SDK error's message, which carries the API's JSON error body
 * (`{"error":{"code":404,"message":"...","status":"NOT_FOUND"}}`, https://ai.google.dev/gemini-api/docs/troubleshooting).
 */
function canonicalCodeOf(message: string): string | undefined {
  const start = message.indexOf('{');
  if (start === -1 || message.length > MAX_PARSED_MESSAGE) return undefined;
  try {
    const body: unknown = JSON.parse(message.slice(start));
    const status = isObject(body) && isObject(body.error) ? body.error.status : undefined;
    return typeof status === 'string' && CANONICAL_CODE.test(status) ? status : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The error as the span should classify it: `error.type` is the API's canonical error code when the answer had one
 * (`NOT_FOUND`), else the HTTP status. The SDK's errors keep the code only inside their message (and v1's keep the
 * status there too), so the recorder gets a view of the same error with `code` / `status` set. The app's error is
 * never changed.
 */
export function telemetryError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const own = error as Error & { code?: unknown; status?: unknown };
  const extra: PropertyDescriptorMap = {};
  if (own.code === undefined) {
    const code = canonicalCodeOf(error.message);
    if (code !== undefined) extra.code = { value: code, enumerable: true };
  }
  if (typeof own.status !== 'number') {
    const match = STATUS_IN_MESSAGE.exec(error.message);
    if (match !== null) extra.status = { value: Number(match[1]), enumerable: true };
  }
  return Object.keys(extra).length === 0 ? error : (Object.create(error, extra) as Error);
}

import { ERROR_TYPE_VALUE_OTHER } from './semconv.js';

const LOW_CARDINALITY_CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * The `error.type` of a failed call: the provider's error code or type when it has one (`model_not_found`,
 * `rate_limit_exceeded`, Anthropic's `not_found_error`), else the HTTP status, else the error's class name, else `_OTHER`
 * (https://opentelemetry.io/docs/specs/semconv/registry/attributes/error/). Always low-cardinality.
 */
export function errorTypeOf(error: unknown): string {
  if (error === null || typeof error !== 'object') return ERROR_TYPE_VALUE_OTHER;
  const e = error as { code?: unknown; status?: unknown; type?: unknown; name?: unknown };
  if (typeof e.code === 'string' && LOW_CARDINALITY_CODE.test(e.code)) return e.code;
  if (typeof e.type === 'string' && LOW_CARDINALITY_CODE.test(e.type)) return e.type;
  const nested = providerErrorType(error);
  if (nested !== undefined) return nested;
  if (typeof e.status === 'number' && e.status >= 100 && e.status < 600) return String(e.status);
  // An explicit `name` is the error code in AWS SDK v3 errors (`ThrottlingException`, also for codes it has no class
  // for) and in DOMException-style errors (`AbortError`); otherwise the class name is the best identifier left.
  if (typeof e.name === 'string' && e.name !== 'Error' && LOW_CARDINALITY_CODE.test(e.name)) return e.name;
  const ctorName = (error as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof ctorName === 'string' && ctorName !== 'Error' && ctorName !== 'Object' && ctorName.length > 0) {
    return ctorName;
  }
  return ERROR_TYPE_VALUE_OTHER;
}

/** Anthropic-style SDK errors carry the provider's `{ error: { type } }` body under `error`. */
function providerErrorType(error: object): string | undefined {
  const body = (error as { error?: unknown }).error;
  if (body === null || typeof body !== 'object') return undefined;
  const inner =
    (body as { error?: { type?: unknown }; type?: unknown }).error?.type ?? (body as { type?: unknown }).type;
  return typeof inner === 'string' && inner !== 'error' && LOW_CARDINALITY_CODE.test(inner) ? inner : undefined;
}

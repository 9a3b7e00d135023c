// Small readers of untyped JSON (request bodies, responses, SDK objects) that the instrumentations share: they never
// throw, and answer `undefined` for anything that is not what they read.

/** Any non-null object, arrays included, with its properties readable. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A finite number (not `NaN`, not `±Infinity`). */
export function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** The value when it is a finite number. */
export function numberOr(value: unknown): number | undefined {
  return isNumber(value) ? value : undefined;
}

/** The value when it is a string (the empty string too). */
export function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value when it is a non-empty string. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The first of `keys` that holds a finite number (for fields an SDK spells in snake_case or camelCase). */
export function firstNumber(source: Record<string, unknown>, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const value = source[key];
    if (isNumber(value)) return value;
  }
  return undefined;
}

/** The first of `keys` that holds an object. */
export function firstObject(source: Record<string, unknown>, ...keys: string[]): Record<string, unknown> | undefined {
  for (const key of keys) {
    const value = source[key];
    if (isObject(value)) return value;
  }
  return undefined;
}

/** A `stop` setting (one string, or a non-empty list of strings) as the list `gen_ai.request.stop_sequences` wants. */
export function stopSequences(stop: unknown): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.length > 0 && stop.every((s) => typeof s === 'string')) return stop;
  return undefined;
}

/** Strings as they are, anything else as JSON; `''` for what JSON cannot hold (`undefined`, functions, cycles). */
export function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

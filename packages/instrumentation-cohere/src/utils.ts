export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null;
}

export function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The first of `keys` that holds a finite number (the SDK spells passthrough fields in snake_case, its own in camelCase). */
export function firstNumber(source: Json, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const value = source[key];
    if (isNumber(value)) return value;
  }
  return undefined;
}

/** The first of `keys` that holds an object. */
export function firstObject(source: Json, ...keys: string[]): Json | undefined {
  for (const key of keys) {
    const value = source[key];
    if (isObject(value)) return value;
  }
  return undefined;
}

/** `stop` as the list the conventions' `gen_ai.request.stop_sequences` wants. */
export function stopSequences(stop: unknown): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.length > 0 && stop.every((s) => typeof s === 'string')) return stop;
  return undefined;
}

export function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

// Small pure helpers.
import { type UsageTotals } from './types.js';

/** A non-negative integer token count from a number, bigint or integer string; anything else counts 0. */
export function toTokenCount(value: unknown): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'bigint' || typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/** USD (double) to integer micro-dollars, rounded half away from zero; `undefined` when not a usable number. */
export function costUsdToMicros(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0) return undefined;
  return Math.round(n * 1_000_000);
}

export function microsToUsd(micros: number): number {
  return micros / 1_000_000;
}

/** Lower-case hex of an id given as hex text or bytes. */
export function toHex(id: string | Uint8Array): string {
  if (typeof id === 'string') return id.toLowerCase();
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
}

export function emptyTotals(): UsageTotals {
  return {
    requests: 0,
    errors: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    cost_usd: 0,
    cost_unknown_requests: 0,
  };
}

/** Races `promise` against a timer; the loser is ignored (a late result is dropped, a late rejection swallowed). */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(message)), ms);
    timer.unref?.();
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
export async function mapConcurrent<T, R>(
  limit: number,
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  for (let i = 0; i < items.length; i += limit) {
    const chunk = items.slice(i, i + limit);
    const results = await Promise.all(chunk.map((item, j) => fn(item, i + j)));
    results.forEach((r, j) => (out[i + j] = r));
  }
  return out;
}

export function requireUser(id: string): string {
  if (typeof id !== 'string' || id === '') throw new TypeError('a non-empty id is required');
  return id;
}

import type { ModelPrice } from './types.js';

/** A table row before the provider and the pricing page are filled in. */
export type PriceRow = Omit<ModelPrice, 'provider' | 'source'>;

export function withProvider(provider: string, source: string, rows: readonly PriceRow[]): ModelPrice[] {
  return rows.map((row) => ({ provider, ...row, source }));
}

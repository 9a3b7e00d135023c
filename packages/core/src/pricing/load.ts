import { readFileSync } from 'node:fs';
import { diag } from '@opentelemetry/api';
import type * as Yaml from 'yaml';
import { packageRequireOf } from '../module-require.js';
import { PricingTable } from './pricing.js';
import type { ModelPrice } from './types.js';
import { validatePrices } from './validate.js';

export const ENV_PRICING_FILE = 'LLMTEL_PRICING_FILE';

export interface PricingOptions {
  /**
   * A JSON or YAML file of model prices that override or extend the built-in table: a list of entries, or an object
   * with a `prices` list. Default: the `LLMTEL_PRICING_FILE` environment variable, else none.
   */
  pricingFile?: string;
  /** Prices that override or extend the built-in table and the pricing file. */
  prices?: ModelPrice[];
}

/**
 * Reads and validates a pricing file. `.json` files are parsed as JSON, anything else as YAML (a superset of JSON).
 * Throws an Error naming the file, and for a bad entry its index, model and field.
 */
export function loadPricingFile(path: string): ModelPrice[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`pricing file ${path}: cannot read it: ${(error as Error).message}`);
  }
  const isJson = path.toLowerCase().endsWith('.json');
  let document: unknown;
  try {
    document = isJson ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new Error(`pricing file ${path}: not valid ${isJson ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  const list =
    typeof document === 'object' && document !== null && !Array.isArray(document) && 'prices' in document
      ? document.prices
      : document;
  return validatePrices(list, `pricing file ${path}`);
}

/**
 * The pricing table to use: the built-in prices, overridden by the pricing file (`options.pricingFile`, else
 * `LLMTEL_PRICING_FILE`), overridden by `options.prices`. A bad file or price passed in code throws; a bad file named
 * by the environment is logged and the built-in prices are used.
 */
function parseYaml(text: string): unknown {
  const yaml = packageRequireOf()('yaml') as typeof Yaml;
  return yaml.parse(text);
}

export function resolvePricingTable(options: PricingOptions = {}, env: NodeJS.ProcessEnv = process.env): PricingTable {
  const overrides: ModelPrice[] = [];
  if (options.pricingFile !== undefined) {
    overrides.push(...loadPricingFile(options.pricingFile));
  } else {
    const fromEnv = env[ENV_PRICING_FILE]?.trim();
    if (fromEnv) {
      try {
        overrides.push(...loadPricingFile(fromEnv));
      } catch (error) {
        diag.warn(`llmtel: ignoring ${ENV_PRICING_FILE}, using the built-in prices: ${(error as Error).message}`);
      }
    }
  }
  if (options.prices !== undefined) overrides.push(...validatePrices(options.prices, 'prices option'));
  const defaults = PricingTable.defaults();
  return overrides.length > 0 ? defaults.withEntries(overrides) : defaults;
}

/** A price band that replaces the base prices when a request's prompt is longer than `aboveInputTokens`. */
export interface PriceTier {
  /** The tier applies when the request's total input tokens (cache reads and writes included) exceed this. */
  aboveInputTokens: number;
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
  reasoning?: number;
}

/**
 * The price of one model at one provider, in USD per 1 million tokens.
 *
 * Token classes follow the GenAI semantic conventions (see `TokenUsage`): cache reads and cache writes are parts of
 * the input tokens, reasoning tokens are part of the output tokens. A class without its own price is billed at the
 * input (cache) or output (reasoning) price; 1-hour cache writes without their own price at the cache write price.
 */
export interface ModelPrice {
  /** `gen_ai.provider.name` value, for example `openai`, `anthropic`, `aws.bedrock`, `gcp.vertex_ai`. */
  provider: string;
  /** The provider's model id without date or version suffix, for example `gpt-4o` or `anthropic.claude-sonnet-4-5`. */
  model: string;
  /** Further ids of the same model (aliases, snapshots priced the same). */
  aliases?: string[];
  /** Defaults to `chat`. */
  kind?: 'chat' | 'embeddings' | 'completion';
  /** Uncached input tokens. */
  input: number;
  /** Output tokens (reasoning included unless `reasoning` is set). */
  output: number;
  /** Input tokens read from the prompt cache. Defaults to `input`. */
  cacheRead?: number;
  /** Input tokens written to the prompt cache (Anthropic's 5-minute write price). Defaults to `input`. */
  cacheWrite?: number;
  /**
   * Input tokens written to the prompt cache with a 1-hour time to live (Anthropic's 1-hour write price,
   * `TokenUsage.cacheCreation1hInputTokens`). Defaults to `cacheWrite`.
   */
  cacheWrite1h?: number;
  /** Reasoning / thinking output tokens, where the provider prices them apart. Defaults to `output`. */
  reasoning?: number;
  /** Long-prompt price bands; the band with the highest threshold below the request's input tokens applies. */
  tiers?: PriceTier[];
  /** ISO 8601 date from which this price applies, for example `2025-08-07`. */
  effectiveFrom: string;
  /** The provider's pricing page. */
  source?: string;
}

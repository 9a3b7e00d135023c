import type { GenAiRequest, GenAiResponse, SdkStreamAccumulator } from '@llmtel/core';

/**
 * Structural views of the few `openai` SDK internals this package touches. They are stable across openai v5, v6 and
 * v7 (checked against each major's `core/api-promise`, `core/streaming` and `core/resource`); every access is
 * still guarded, so a shape change degrades to "no span data", never to a broken app.
 */

/** The SDK client as seen from a resource (`this._client`). */
export interface ClientLike {
  baseURL?: unknown;
  /** Set on `AzureOpenAI` clients. */
  apiVersion?: unknown;
}

/** An SDK resource (`client.chat.completions`, `client.responses`, ...). */
export interface ResourceLike {
  _client?: ClientLike;
}

/** Where a client sends its requests, resolved from its base URL. */
export interface Target {
  /** `gen_ai.provider.name`. */
  provider: string;
  serverAddress?: string;
  serverPort?: number;
  /** The endpoint is known to accept `stream_options.include_usage`. */
  acceptsIncludeUsage: boolean;
}

export interface StreamOptions {
  capture: boolean;
  /** This instrumentation added `stream_options.include_usage`: hide the usage-only chunk, drop `usage: null`. */
  injectedUsage: boolean;
}

/** One instrumented `create()` method: how to describe its request and its response. */
export interface Operation {
  /** The request body may carry `stream_options.include_usage`. */
  readonly includeUsage: boolean;
  request(body: Record<string, unknown>, target: Target, capture: boolean): GenAiRequest;
  response(result: unknown, capture: boolean): GenAiResponse;
  stream(options: StreamOptions): SdkStreamAccumulator;
}

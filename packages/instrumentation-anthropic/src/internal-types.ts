import type { GenAiResponse } from '@llmtel/core';

/**
 * Structural views of the few `@anthropic-ai/sdk` internals this package touches. They are the same from 0.50 (the
 * first release generated with `core/api-promise` and `core/streaming`) to 1.x; every access is still guarded, so a
 * shape change degrades to "no span data", never to a broken app.
 */

/** The SDK client as seen from a resource (`this._client`). */
export interface ClientLike {
  baseURL?: unknown;
  /**
   * From 0.134: the tracer of the SDK's own spans, `undefined` when they are disabled (`openTelemetry: false`,
   * `ANTHROPIC_OPEN_TELEMETRY=false`). Marked internal by the SDK, but the one place every SDK span starts from.
   */
  _tracer?: unknown;
  /** From 0.134: `gen_ai.provider.name` of the client (`anthropic`, `aws.bedrock`, `gcp.vertex_ai`, ...). */
  _genAIProviderName?: unknown;
  /** From 0.134: the settled `openTelemetry` option. */
  openTelemetry?: unknown;
}

/** An SDK resource (`client.messages`, `client.beta.messages`). */
export interface ResourceLike {
  _client?: ClientLike;
}

/** The SDK's `Stream`: `[Symbol.asyncIterator]()`, `tee()` and `toReadableStream()` all go through `iterator()`. */
export interface StreamLike {
  iterator: (...args: unknown[]) => AsyncIterator<unknown>;
}

/** Where a client sends its requests. */
export interface Target {
  /** `gen_ai.provider.name`. */
  provider: string;
  serverAddress?: string;
  serverPort?: number;
}

/** A streamed event that carries output (a content delta): it counts for time to first / per output chunk. */
export const CHUNK_OUTPUT = 0;
/** A lifecycle event (`message_start`, `ping`, `message_delta`, ...): handed to the app, not an output chunk. */
export const CHUNK_EVENT = 1;
export type ChunkDisposition = typeof CHUNK_OUTPUT | typeof CHUNK_EVENT;

/** Accumulates what a streamed response says, one event at a time. */
export interface StreamAccumulator {
  add(event: unknown): ChunkDisposition;
  /** What the stream said so far. */
  response(): GenAiResponse;
}

/**
 * The end of one instrumented request. Its span may be shared with the SDK's own tracing (see
 * `NativeSpanClaim.settle` in @llmtel/core), so ending goes through here rather than straight to the call.
 */
export interface Completion {
  readonly ended: boolean;
  recordChunk(): void;
  end(response?: GenAiResponse): void;
  fail(error: unknown, partial?: GenAiResponse): void;
}

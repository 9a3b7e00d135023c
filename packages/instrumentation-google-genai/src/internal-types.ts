/**
 * Structural views of the few `@google/genai` internals this package touches. They hold from v1.1 to v3 (checked
 * against each major's `dist/node` builds); every access is still guarded, so a shape change degrades to "no span
 * data", never to a broken app.
 */

/** The SDK's `ApiClient`, as `this.apiClient` of a `Models` instance. */
export interface ApiClientLike {
  isVertexAI?: () => boolean;
  getBaseUrl?: () => string;
}

/** A `Models` instance (`client.models`, also what `client.chats` sessions call). */
export interface ModelsLike {
  apiClient?: ApiClientLike;
}

/** A per-request method of `Models.prototype` (`generateContentInternal`, ...): one call is one HTTP request. */
export type RequestMethod = (this: ModelsLike, params: unknown, ...rest: unknown[]) => Promise<unknown>;

/**
 * An SDK method that wraps a stream in a generator of its own: `Models.prototype.generateContentStreamWithContinuation`
 * (from v2.x) and `Chat.prototype.processStreamResponse`.
 */
export type StreamWrapperMethod = (this: unknown, ...args: unknown[]) => unknown;

/** Where a client sends its requests. */
export interface Target {
  /** `gen_ai.provider.name`: `gcp.vertex_ai` or `gcp.gemini`. */
  provider: string;
  serverAddress?: string;
  serverPort?: number;
}

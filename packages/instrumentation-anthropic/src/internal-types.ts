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

/** Where a client sends its requests. */
export interface Target {
  /** `gen_ai.provider.name`. */
  provider: string;
  serverAddress?: string;
  serverPort?: number;
}

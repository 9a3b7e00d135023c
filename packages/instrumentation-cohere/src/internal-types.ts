import type { GenAiRequest, GenAiResponse, StreamEventAccumulator } from '@llmtel/core';

export type Json = Record<string, unknown>;

/**
 * Structural views of the few `cohere-ai` internals this package touches. They are the same from 7.14 (the first
 * release whose v2 client has `chat`, `chatStream` and `embed`) to 8.x; every access is still guarded, so a shape
 * change degrades to "no span data", never to a broken app.
 */

/** The v2 resource client (`V2` in 7.x, `V2Client` from 7.21), which `CohereClientV2` binds its methods to. */
export interface V2ClientLike {
  _options?: {
    /** A URL string, or a supplier function (then the server is not known before the request). */
    environment?: unknown;
    /** 8.x: takes precedence over `environment`. */
    baseUrl?: unknown;
  };
}

/** 8.x methods return an `HttpResponsePromise`: a Promise whose `then` unwraps `innerPromise` (`{ data, rawResponse }`). */
export interface HttpResponsePromiseLike {
  innerPromise: PromiseLike<{ data?: unknown }>;
}

/** Where a client sends its requests. */
export interface Target {
  serverAddress?: string;
  serverPort?: number;
}

/** One instrumented v2 method: how to describe its request and its result. */
export interface Operation {
  readonly streaming: boolean;
  request(body: Record<string, unknown>, target: Target, capture: boolean): GenAiRequest;
  response(result: unknown, capture: boolean): GenAiResponse;
  stream(capture: boolean): StreamEventAccumulator;
}

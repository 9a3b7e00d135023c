import type { Attributes } from '@opentelemetry/api';
import type { GenAiCall, GenAiMessage, GenAiMessagePart, GenAiRequest, GenAiResponse } from '@llmtel/core';
import type { BedrockUsage } from './usage.js';
import type { Json } from './utils.js';

/**
 * Structural views of the few `@aws-sdk/client-bedrock-runtime` (smithy) shapes this package touches. They are the
 * same from 3.600 to 3.1164 (checked against both builds); every access is still guarded, so a shape change degrades
 * to "no span data", never to a broken app.
 */

/** `client.send(command, options?, callback?)`. */
export type SendMethod = (this: ClientLike, command: unknown, ...rest: unknown[]) => unknown;

/** A smithy middleware stack (`client.middlewareStack`). */
export interface MiddlewareStackLike {
  add(middleware: unknown, options: Record<string, unknown>): void;
}

/** A `BedrockRuntimeClient` (or the aggregated `BedrockRuntime`) instance. */
export interface ClientLike {
  middlewareStack?: MiddlewareStackLike;
  /** The configuration as passed in (SDK >= 3.7xx); the resolved `config` holds only providers. */
  initConfig?: { endpoint?: unknown; region?: unknown; useFipsEndpoint?: unknown; useDualstackEndpoint?: unknown };
}

/** What the SDK accepts as `abortSignal` in the send options. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/** A command instance (`new ConverseCommand(input)`). */
export interface CommandLike {
  input?: unknown;
}

/** The smithy `HttpRequest` a finalized attempt sends. */
export interface HttpRequestLike {
  hostname?: unknown;
  port?: unknown;
  protocol?: unknown;
}

/** The smithy `HttpResponse` an attempt received. */
export interface HttpResponseLike {
  statusCode?: unknown;
  headers?: Record<string, string | undefined>;
}

/** Where a client sends its requests. */
export interface Target {
  serverAddress?: string;
  serverPort?: number;
}

/** What one failed attempt of a call ended with (the SDK may retry it). */
export interface AttemptFailure {
  errorType: string;
  statusCode?: number;
  requestId?: string;
}

/** One instrumented call, as the per-attempt middleware sees it (through the active context). */
export interface CallState {
  readonly call: GenAiCall;
  readonly client: ClientLike;
  /** The command's input: the middleware only reports on attempts that carry this very input. */
  readonly input: unknown;
  /** Attempts seen so far. */
  attempts: number;
  /** The last attempt's failure, until the next attempt starts. */
  failure: AttemptFailure | undefined;
  /** Headers of the response that the call's output was read from. */
  headers: Record<string, string | undefined> | undefined;
  /** The span already carries `server.address` (known when the call started). */
  hasTarget: boolean;
}

/** What a model body (or the chunks of a stream so far) said, in the model's own format. */
export interface ModelResult {
  usage?: BedrockUsage;
  finishReasons?: string[];
  responseId?: string;
  /** All generated text, for token estimation. */
  outputText?: () => string;
  outputMessages?: () => GenAiMessage[];
}

/** Reads the decoded chunks of an InvokeModelWithResponseStream body, one at a time. */
export interface ChunkReader {
  /** @returns true when the chunk carries generated output (text, tool input), as opposed to bookkeeping */
  add(chunk: Json): boolean;
  result(): ModelResult;
}

/** One model family's InvokeModel body format. */
export interface BodyFormat {
  readonly operation: string;
  requestAttributes(body: Json): Attributes;
  inputMessages(body: Json): GenAiMessage[];
  systemInstructions?(body: Json): GenAiMessagePart[];
  /** The input text to count when usage is missing; default: the text of the input messages. */
  inputText?(body: Json): string;
  response(body: Json): ModelResult;
  stream(): ChunkReader;
}

/** Reads the events of a streamed output (`stream` of ConverseStream, `body` of InvokeModelWithResponseStream). */
export interface EventReader {
  /** @returns true when the event carries generated output */
  add(event: unknown): boolean;
  response(): GenAiResponse;
}

/** A command's call, prepared from its input: the request to start the span with, and how to read the result. */
export interface Prepared {
  request: GenAiRequest;
  /** The span's response for a (non-streamed) output. `headers` are the HTTP response's, when known. */
  response(output: Json, headers: Record<string, string | undefined> | undefined): GenAiResponse;
  /** The output property holding the event stream, for streamed commands. */
  streamKey?: 'stream' | 'body';
  events?(): EventReader;
}

/** One instrumented command class. */
export interface Operation {
  prepare(input: Json, target: Target, capture: boolean): Prepared;
}

import { diag } from '@opentelemetry/api';
import {
  type GenAiCall,
  type GenAiMessage,
  type GenAiMessagePart,
  type GenAiResponse,
  type TokenUsage,
  isObject,
  nonEmptyString,
} from '@llmtel/core';
import { telemetryError } from './errors.js';
import { candidateMessages } from './messages.js';
import { candidateTexts, usageOf } from './response.js';
import { finishReasonOf } from './utils.js';

/** What one streamed response said so far, read chunk by chunk. */
export class StreamAccumulator {
  private readonly capture: boolean;
  private model: string | undefined;
  private id: string | undefined;
  private usage: TokenUsage | undefined;
  private readonly finishReasons: (string | undefined)[] = [];
  private readonly texts: string[] = [];
  /** Output parts per candidate index; only filled when content is captured. */
  private readonly candidates: { parts: GenAiMessagePart[]; finishReason?: string }[] = [];

  constructor(capture: boolean) {
    this.capture = capture;
  }

  /**
   * Reads one chunk. Everything is copied out before the chunk is handed on: the SDK's own stream helpers rewrite
   * chunks they pass along (continuation merges usage across requests and clears intermediate finish reasons).
   */
  add(chunk: unknown): void {
    if (!isObject(chunk)) return;
    this.model = nonEmptyString(chunk.modelVersion) ?? this.model;
    this.id = nonEmptyString(chunk.responseId) ?? this.id;
    // Each chunk's usage is the running total of the request; Vertex AI sends `{trafficType}` alone on all but the
    // last chunk, so only counts replace what was seen.
    const usage = usageOf(chunk.usageMetadata);
    if (usage !== undefined) this.usage = usage;
    const candidates = chunk.candidates;
    if (!Array.isArray(candidates)) return;
    candidateTexts(candidates, this.texts);
    for (let i = 0; i < candidates.length; i++) {
      const candidate: unknown = candidates[i];
      if (!isObject(candidate)) continue;
      const index = typeof candidate.index === 'number' ? candidate.index : i;
      const finish = finishReasonOf(candidate.finishReason);
      if (finish !== undefined) this.finishReasons[index] = finish;
      if (!this.capture) continue;
      const state = (this.candidates[index] ??= { parts: [] });
      if (finish !== undefined) state.finishReason = finish;
      for (const message of candidateMessages([candidate])) appendParts(state.parts, message.parts);
    }
  }

  response(): GenAiResponse {
    const response: GenAiResponse = {
      responseModel: this.model,
      responseId: this.id,
      finishReasons: this.finishReasons.filter((r): r is string => r !== undefined),
      usage: this.usage,
    };
    if (this.usage?.outputTokens === undefined) {
      const texts = this.texts;
      response.estimateOutputText = () => texts.join('');
    }
    if (this.capture) {
      const candidates = this.candidates;
      response.outputMessages = () => streamedMessages(candidates);
    }
    return response;
  }
}

/** Streamed text arrives in pieces: consecutive pieces of the same kind are joined into one part. */
function appendParts(into: GenAiMessagePart[], parts: readonly GenAiMessagePart[]): void {
  for (const part of parts) {
    const last = into[into.length - 1];
    if (
      last !== undefined &&
      (part.type === 'text' || part.type === 'reasoning') &&
      last.type === part.type &&
      typeof last.content === 'string' &&
      typeof part.content === 'string'
    ) {
      into[into.length - 1] = { type: part.type, content: last.content + part.content };
    } else {
      into.push(part);
    }
  }
}

function streamedMessages(candidates: readonly ({ parts: GenAiMessagePart[]; finishReason?: string } | undefined)[]) {
  const out: GenAiMessage[] = [];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    const message: GenAiMessage = { role: 'assistant', parts: candidate.parts };
    if (candidate.finishReason !== undefined) message.finish_reason = candidate.finishReason;
    out.push(message);
  }
  return out;
}

/**
 * The SDK's stream of `GenerateContentResponse` chunks, reporting to `call`. Each chunk is read, then handed to the
 * app unchanged. The span ends exactly once: when the stream is done, when the app stops early (`break`, `return()`,
 * which also closes the SDK's stream and its HTTP response), or with the first error (including an aborted
 * request). `GenAiCall.end` / `fail` are idempotent, so a later path can never end it twice.
 */
export function observeStream(
  source: AsyncIterable<unknown>,
  call: GenAiCall,
  accumulator: StreamAccumulator,
): AsyncGenerator<unknown, void, undefined> {
  const stream = observe(source, call, accumulator);
  // `return()` on a generator that never started skips its `finally`: end the span here too.
  const close = stream.return;
  stream.return = function (value) {
    finish(call, accumulator);
    return close.call(this, value);
  };
  return stream;
}

async function* observe(
  source: AsyncIterable<unknown>,
  call: GenAiCall,
  accumulator: StreamAccumulator,
): AsyncGenerator<unknown, void, undefined> {
  try {
    for await (const chunk of source) {
      read(accumulator, chunk);
      call.recordChunk();
      yield chunk;
    }
  } catch (error) {
    fail(call, error, accumulator);
    throw error;
  } finally {
    finish(call, accumulator);
  }
}

function read(accumulator: StreamAccumulator, chunk: unknown): void {
  try {
    accumulator.add(chunk);
  } catch (err) {
    diag.debug('llmtel google-genai: could not read a stream chunk', err);
  }
}

function finish(call: GenAiCall, accumulator: StreamAccumulator): void {
  if (call.ended) return;
  try {
    call.end(accumulator.response());
  } catch (err) {
    diag.debug('llmtel google-genai: could not end a stream span', err);
    call.end();
  }
}

function fail(call: GenAiCall, error: unknown, accumulator: StreamAccumulator): void {
  if (call.ended) return;
  let partial: GenAiResponse | undefined;
  try {
    partial = accumulator.response();
  } catch (err) {
    diag.debug('llmtel google-genai: could not read a failed stream', err);
  }
  call.fail(telemetryError(error), partial);
}

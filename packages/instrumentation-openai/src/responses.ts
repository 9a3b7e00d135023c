import {
  GEN_AI_OPERATION_NAME_VALUES,
  type GenAiRequest,
  type GenAiResponse,
  isObject,
  stringOr,
  CHUNK_EVENT,
  CHUNK_OUTPUT,
  type ChunkDisposition,
  type SdkStreamAccumulator,
  messagesText,
} from '@llmtel/core';
import type { Operation, StreamOptions, Target } from './internal-types.js';
import { responsesInputMessages, responsesInstructions, responsesOutputMessages } from './messages.js';
import {
  modelOf,
  openaiResponseAttributes,
  responsesFinishReason,
  responsesRequestAttributes,
  responsesUsage,
  type Json,
} from './utils.js';

/**
 * `client.responses.create`: plain and streamed. The conventions name this operation `chat` (the Responses API is
 * OpenAI's chat interface); usage always arrives in the final `response.completed` event, so nothing is injected.
 */
export const responsesOperation: Operation = {
  includeUsage: false,
  request: responsesRequest,
  response: (result, capture) => (isObject(result) ? fromResponse(result, capture) : {}),
  stream: (options) => new ResponsesStreamAccumulator(options),
};

function responsesRequest(body: Json, target: Target, capture: boolean): GenAiRequest {
  const { input, instructions } = body;
  const request: GenAiRequest = {
    provider: target.provider,
    operation: GEN_AI_OPERATION_NAME_VALUES.CHAT,
    requestModel: modelOf(body),
    streaming: body.stream === true,
    serverAddress: target.serverAddress,
    serverPort: target.serverPort,
    requestAttributes: responsesRequestAttributes(body),
    estimateInputText: () => messagesText(responsesInputMessages(input), responsesInstructions(instructions)),
  };
  if (capture) {
    request.inputMessages = () => responsesInputMessages(input);
    if (instructions !== undefined && instructions !== null) {
      request.systemInstructions = () => responsesInstructions(instructions);
    }
  }
  return request;
}

function fromResponse(result: Json, capture: boolean): GenAiResponse {
  const finishReason = responsesFinishReason(result);
  const usage = responsesUsage(result.usage);
  const output = result.output;
  const response: GenAiResponse = {
    responseModel: stringOr(result.model),
    responseId: stringOr(result.id),
    finishReasons: finishReason === undefined ? [] : [finishReason],
    usage,
    attributes: openaiResponseAttributes(result),
  };
  if (usage?.outputTokens === undefined) {
    response.estimateOutputText = () => messagesText(responsesOutputMessages(output, undefined));
  }
  if (capture) response.outputMessages = () => responsesOutputMessages(output, finishReason);
  return response;
}

/** A failed response, as the error its span ends with (`error.type` = the response's error code). */
class ResponseFailedError extends Error {
  readonly code: string | undefined;
  constructor(error: unknown) {
    const e = isObject(error) ? error : {};
    super(typeof e.message === 'string' ? e.message : 'response failed');
    this.name = 'ResponseFailedError';
    this.code = typeof e.code === 'string' ? e.code : undefined;
  }
}

/**
 * Reads Responses API stream events. The terminal event (`response.completed`, `.incomplete` or `.failed`) carries
 * the whole response with its usage; until then the `response.created` snapshot gives id and model, and text deltas
 * are kept for estimation should the stream stop early. Only `*.delta` events count as output chunks.
 */
class ResponsesStreamAccumulator implements SdkStreamAccumulator {
  private readonly capture: boolean;
  private snapshot: Json | undefined;
  private final: Json | undefined;
  private failure: ResponseFailedError | undefined;
  private readonly texts: string[] = [];

  constructor(options: StreamOptions) {
    this.capture = options.capture;
  }

  add(event: unknown): ChunkDisposition {
    if (!isObject(event)) return CHUNK_EVENT;
    const type = event.type;
    if (typeof type !== 'string') return CHUNK_EVENT;
    if (type.endsWith('.delta')) {
      if (typeof event.delta === 'string' && !type.startsWith('response.audio')) this.texts.push(event.delta);
      return CHUNK_OUTPUT;
    }
    switch (type) {
      case 'response.created':
      case 'response.in_progress':
      case 'response.queued':
        if (isObject(event.response)) this.snapshot = event.response;
        break;
      case 'response.completed':
      case 'response.incomplete':
        if (isObject(event.response)) this.final = event.response;
        break;
      case 'response.failed':
        if (isObject(event.response)) {
          this.final = event.response;
          this.failure = new ResponseFailedError(event.response.error);
        }
        break;
    }
    return CHUNK_EVENT;
  }

  response(): GenAiResponse {
    if (this.final !== undefined) return fromResponse(this.final, this.capture);
    const snapshot = this.snapshot ?? {};
    const texts = this.texts;
    const response: GenAiResponse = {
      responseModel: stringOr(snapshot.model),
      responseId: stringOr(snapshot.id),
      estimateOutputText: () => texts.join(''),
    };
    if (this.capture) {
      response.outputMessages = () => [{ role: 'assistant', parts: [{ type: 'text', content: texts.join('') }] }];
    }
    return response;
  }

  error(): unknown {
    return this.failure;
  }
}

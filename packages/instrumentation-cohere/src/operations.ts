import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_GEN_AI_REQUEST_TOP_P,
  GEN_AI_OPERATION_NAME_VALUES as OP,
  GEN_AI_PROVIDER_NAME_VALUES,
  type GenAiRequest,
  type GenAiResponse,
  isNumber,
  isObject,
  stopSequences,
  stringOr,
  messagesText,
} from '@llmtel/core';
import type { Json, Operation, Target } from './internal-types.js';
import { chatInputMessages, chatOutputMessages, embedTexts } from './messages.js';
import { ChatStreamAccumulator } from './stream-accumulator.js';
import { usageOf } from './usage.js';

export const PROVIDER = GEN_AI_PROVIDER_NAME_VALUES.COHERE;

function setNumber(attrs: Attributes, key: string, value: unknown): void {
  if (isNumber(value)) attrs[key] = value;
}

function modelOf(body: Json): string {
  return typeof body.model === 'string' ? body.model : '';
}

/** `gen_ai.request.*` of a v2 chat request. The SDK takes camelCase parameters; `p` and `k` are top-p and top-k. */
function chatRequestAttributes(body: Json): Attributes {
  const attrs: Attributes = {};
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, body.p);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_K, body.k);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.maxTokens);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_SEED, body.seed);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, body.frequencyPenalty);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, body.presencePenalty);
  const stop = stopSequences(body.stopSequences);
  if (stop !== undefined) attrs[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = stop;
  const format = isObject(body.responseFormat) ? body.responseFormat.type : undefined;
  if (format === 'text') attrs[ATTR_GEN_AI_OUTPUT_TYPE] = 'text';
  else if (format === 'json_object') attrs[ATTR_GEN_AI_OUTPUT_TYPE] = 'json';
  return attrs;
}

function chatOperation(streaming: boolean): Operation {
  return {
    streaming,
    request(body: Json, target: Target, capture: boolean): GenAiRequest {
      const messages = body.messages;
      const request: GenAiRequest = {
        provider: PROVIDER,
        operation: OP.CHAT,
        requestModel: modelOf(body),
        streaming,
        serverAddress: target.serverAddress,
        serverPort: target.serverPort,
        requestAttributes: chatRequestAttributes(body),
        estimateInputText: () => messagesText(chatInputMessages(messages)),
      };
      if (capture) request.inputMessages = () => chatInputMessages(messages);
      return request;
    },
    /** A v2 chat response names no model: the request's model prices it. */
    response(result: unknown, capture: boolean): GenAiResponse {
      if (!isObject(result)) return {};
      const finishReason = stringOr(result.finishReason ?? result.finish_reason);
      const message = result.message;
      const usage = usageOf(result.usage);
      const response: GenAiResponse = {
        responseId: stringOr(result.id),
        finishReasons: finishReason === undefined ? [] : [finishReason],
        usage,
      };
      if (usage?.outputTokens === undefined) {
        response.estimateOutputText = () => messagesText(chatOutputMessages(message, finishReason));
      }
      if (capture) response.outputMessages = () => chatOutputMessages(message, finishReason);
      return response;
    },
    stream: (capture) => new ChatStreamAccumulator(capture),
  };
}

export const chatCallOperation = chatOperation(false);
export const chatStreamOperation = chatOperation(true);

export const embedOperation: Operation = {
  streaming: false,
  request(body: Json, target: Target): GenAiRequest {
    const attrs: Attributes = {};
    const types = body.embeddingTypes;
    if (Array.isArray(types) && types.length > 0 && types.every((t) => typeof t === 'string')) {
      attrs[ATTR_GEN_AI_REQUEST_ENCODING_FORMATS] = types;
    }
    return {
      provider: PROVIDER,
      operation: OP.EMBEDDINGS,
      requestModel: modelOf(body),
      serverAddress: target.serverAddress,
      serverPort: target.serverPort,
      requestAttributes: attrs,
      estimateInputText: () => embedTexts(body).join('\n'),
    };
  },
  response(result: unknown): GenAiResponse {
    if (!isObject(result)) return {};
    return { responseId: stringOr(result.id), usage: usageOf(result.meta, true) };
  },
  stream: (capture) => new ChatStreamAccumulator(capture),
};

import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
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
import { chatInputMessages, choicesOutputMessages, embeddingInputs, fimInputMessages } from './messages.js';
import { ChunkAccumulator } from './stream-accumulator.js';
import { usageOf } from './usage.js';

export const PROVIDER = GEN_AI_PROVIDER_NAME_VALUES.MISTRAL_AI;

/** The names of the spans the SDK's own tracing (2.3 and later) starts: its Speakeasy operation ids. */
export const NATIVE_SPAN_NAMES = {
  chat: 'chat_completion_v1_chat_completions_post',
  chatStream: 'stream_chat',
  fim: 'fim_completion_v1_fim_completions_post',
  fimStream: 'stream_fim',
  embeddings: 'embeddings_v1_embeddings_post',
} as const;

function setNumber(attrs: Attributes, key: string, value: unknown): void {
  if (isNumber(value)) attrs[key] = value;
}

/** `gen_ai.output.type` from `responseFormat.type`. */
function outputType(format: unknown): string | undefined {
  if (!isObject(format)) return undefined;
  if (format.type === 'text') return 'text';
  if (format.type === 'json_object' || format.type === 'json_schema') return 'json';
  return undefined;
}

/** `gen_ai.request.*` of a chat or FIM request. The SDK takes camelCase parameters. */
function samplingAttributes(body: Json): Attributes {
  const attrs: Attributes = {};
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, body.topP);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.maxTokens);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_SEED, body.randomSeed);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, body.presencePenalty);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, body.frequencyPenalty);
  const stop = stopSequences(body.stop);
  if (stop !== undefined) attrs[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = stop;
  // The conventions record the choice count only when it is not the default of 1.
  if (isNumber(body.n) && body.n !== 1) attrs[ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = body.n;
  return attrs;
}

function modelOf(body: Json): string {
  return typeof body.model === 'string' ? body.model : '';
}

function choicesResponse(result: unknown, capture: boolean): GenAiResponse {
  if (!isObject(result)) return {};
  const choices = Array.isArray(result.choices) ? (result.choices as unknown[]) : [];
  const finishReasons: string[] = [];
  for (const choice of choices) {
    const reason = isObject(choice) ? stringOr(choice.finishReason ?? choice.finish_reason) : undefined;
    if (reason !== undefined) finishReasons.push(reason);
  }
  const usage = usageOf(result.usage);
  const response: GenAiResponse = {
    responseModel: stringOr(result.model),
    responseId: stringOr(result.id),
    finishReasons,
    usage,
  };
  if (usage?.outputTokens === undefined)
    response.estimateOutputText = () => messagesText(choicesOutputMessages(choices));
  if (capture) response.outputMessages = () => choicesOutputMessages(choices);
  return response;
}

/** @param parse `chat.parse()` / `chat.parseStream()`: the SDK turns the schema passed in into a JSON response format */
function chatOperation(streaming: boolean, parse = false): Operation {
  return {
    nativeSpanName: streaming ? NATIVE_SPAN_NAMES.chatStream : NATIVE_SPAN_NAMES.chat,
    streaming,
    request(body: Json, target: Target, capture: boolean): GenAiRequest {
      const messages = body.messages;
      const attrs = samplingAttributes(body);
      const format = parse ? 'json' : outputType(body.responseFormat);
      if (format !== undefined) attrs[ATTR_GEN_AI_OUTPUT_TYPE] = format;
      const request: GenAiRequest = {
        provider: PROVIDER,
        operation: OP.CHAT,
        requestModel: modelOf(body),
        streaming,
        serverAddress: target.serverAddress,
        serverPort: target.serverPort,
        requestAttributes: attrs,
        estimateInputText: () => messagesText(chatInputMessages(messages)),
      };
      if (capture) request.inputMessages = () => chatInputMessages(messages);
      return request;
    },
    response: choicesResponse,
    stream: (capture) => new ChunkAccumulator(capture),
  };
}

function fimOperation(streaming: boolean): Operation {
  return {
    nativeSpanName: streaming ? NATIVE_SPAN_NAMES.fimStream : NATIVE_SPAN_NAMES.fim,
    streaming,
    request(body: Json, target: Target, capture: boolean): GenAiRequest {
      const { prompt, suffix } = body;
      const request: GenAiRequest = {
        provider: PROVIDER,
        operation: OP.TEXT_COMPLETION,
        requestModel: modelOf(body),
        streaming,
        serverAddress: target.serverAddress,
        serverPort: target.serverPort,
        requestAttributes: samplingAttributes(body),
        estimateInputText: () => messagesText(fimInputMessages(prompt, suffix)),
      };
      if (capture) request.inputMessages = () => fimInputMessages(prompt, suffix);
      return request;
    },
    response: choicesResponse,
    stream: (capture) => new ChunkAccumulator(capture),
  };
}

export const embeddingsOperation: Operation = {
  nativeSpanName: NATIVE_SPAN_NAMES.embeddings,
  streaming: false,
  request(body: Json, target: Target): GenAiRequest {
    const attrs: Attributes = {};
    const format = body.encodingFormat ?? body.outputDtype;
    if (typeof format === 'string') attrs[ATTR_GEN_AI_REQUEST_ENCODING_FORMATS] = [format];
    const inputs = body.inputs;
    return {
      provider: PROVIDER,
      operation: OP.EMBEDDINGS,
      requestModel: modelOf(body),
      serverAddress: target.serverAddress,
      serverPort: target.serverPort,
      requestAttributes: attrs,
      estimateInputText: () => embeddingInputs(inputs).join('\n'),
    };
  },
  response(result: unknown): GenAiResponse {
    if (!isObject(result)) return {};
    return {
      responseModel: stringOr(result.model),
      responseId: stringOr(result.id),
      usage: usageOf(result.usage, true),
    };
  },
  stream: (capture) => new ChunkAccumulator(capture),
};

export const chatCompleteOperation = chatOperation(false);
export const chatStreamOperation = chatOperation(true);
export const chatParseOperation = chatOperation(false, true);
export const chatParseStreamOperation = chatOperation(true, true);
export const fimCompleteOperation = fimOperation(false);
export const fimStreamOperation = fimOperation(true);

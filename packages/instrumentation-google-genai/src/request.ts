import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_GEN_AI_REQUEST_TOP_P,
  GEN_AI_OPERATION_NAME_VALUES,
  type GenAiRequest,
  isNumber,
  isObject,
} from '@llmtel/core';
import type { Target } from './internal-types.js';
import { inputMessages, promptText, systemInstructions } from './messages.js';
import { requestModelOf, type Json } from './utils.js';

/** Not in @llmtel/core's list yet: `gen_ai.embeddings.dimension.count` (semconv v1.41 registry). */
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count';

function setNumber(attrs: Attributes, key: string, value: unknown): void {
  if (isNumber(value)) attrs[key] = value;
}

/**
 * `gen_ai.output.type` from `responseMimeType` (`application/json` → `json`, `text/plain` → `text`), else from
 * `responseModalities` when the request asks for images or audio only.
 */
function outputType(config: Json): string | undefined {
  const mime = config.responseMimeType;
  if (mime === 'application/json' || mime === 'text/x.enum') return 'json';
  if (mime === 'text/plain') return 'text';
  const modalities = config.responseModalities;
  if (Array.isArray(modalities) && modalities.length === 1) {
    if (modalities[0] === 'IMAGE') return 'image';
    if (modalities[0] === 'AUDIO') return 'speech';
  }
  return undefined;
}

/** `gen_ai.request.*` attributes of a `GenerateContentConfig`. */
export function generateRequestAttributes(config: unknown): Attributes {
  const attrs: Attributes = {};
  if (!isObject(config)) return attrs;
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, config.temperature);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, config.topP);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_K, config.topK);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, config.maxOutputTokens);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, config.frequencyPenalty);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, config.presencePenalty);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_SEED, config.seed);
  const stop = config.stopSequences;
  if (Array.isArray(stop) && stop.length > 0 && stop.every((s) => typeof s === 'string')) {
    attrs[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = stop;
  }
  // The conventions record the choice count only when it is not the default of 1.
  if (isNumber(config.candidateCount) && config.candidateCount !== 1) {
    attrs[ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = config.candidateCount;
  }
  const type = outputType(config);
  if (type !== undefined) attrs[ATTR_GEN_AI_OUTPUT_TYPE] = type;
  return attrs;
}

/** One `generateContent` / `streamGenerateContent` request (also what chat sessions send). */
export function generateRequest(params: Json, target: Target, streaming: boolean): GenAiRequest {
  // A shallow copy: automatic function calling appends the next turns to the SDK's array after this request.
  const contents = Array.isArray(params.contents) ? params.contents.slice() : params.contents;
  const config = isObject(params.config) ? params.config : undefined;
  const instruction = config?.systemInstruction;
  return {
    provider: target.provider,
    operation: GEN_AI_OPERATION_NAME_VALUES.GENERATE_CONTENT,
    requestModel: requestModelOf(params.model),
    streaming,
    serverAddress: target.serverAddress,
    serverPort: target.serverPort,
    requestAttributes: generateRequestAttributes(config),
    inputMessages: () => inputMessages(contents),
    systemInstructions: () => systemInstructions(instruction),
    estimateInputText: () => promptText(contents, instruction),
  };
}

/**
 * One `embedContent` request. The conventions define no content attributes for embeddings, so none are captured.
 */
export function embeddingsRequest(params: Json, target: Target): GenAiRequest {
  const contents = params.contents ?? params.content;
  const attrs: Attributes = {};
  if (isObject(params.config))
    setNumber(attrs, ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, params.config.outputDimensionality);
  return {
    provider: target.provider,
    operation: GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS,
    requestModel: requestModelOf(params.model),
    serverAddress: target.serverAddress,
    serverPort: target.serverPort,
    requestAttributes: attrs,
    estimateInputText: () => promptText(contents),
  };
}

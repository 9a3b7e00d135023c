import {
  GEN_AI_OPERATION_NAME_VALUES,
  type GenAiRequest,
  type GenAiResponse,
  isObject,
  stringOr,
  CHUNK_OUTPUT,
} from '@llmtel/core';
import type { Operation, Target } from './internal-types.js';
import { promptTexts } from './messages.js';
import { chatUsage, embeddingsRequestAttributes, modelOf, type Json } from './utils.js';

/**
 * `client.embeddings.create`. Embeddings have no output tokens and no messages: the conventions define no content
 * attributes for them, so content capture does not apply.
 */
export const embeddingsOperation: Operation = {
  includeUsage: false,
  request: embeddingsRequest,
  response: embeddingsResponse,
  // The endpoint does not stream; should a future SDK stream it, the span still ends with the stream.
  stream: () => ({ add: () => CHUNK_OUTPUT, response: () => ({}), error: () => undefined }),
};

function embeddingsRequest(body: Json, target: Target): GenAiRequest {
  const input = body.input;
  return {
    provider: target.provider,
    operation: GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS,
    requestModel: modelOf(body),
    serverAddress: target.serverAddress,
    serverPort: target.serverPort,
    requestAttributes: embeddingsRequestAttributes(body),
    estimateInputText: () => promptTexts(input).join('\n'),
  };
}

function embeddingsResponse(result: unknown): GenAiResponse {
  if (!isObject(result)) return {};
  return { responseModel: stringOr(result.model), usage: chatUsage(result.usage) };
}

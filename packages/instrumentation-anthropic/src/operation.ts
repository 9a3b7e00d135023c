import { GEN_AI_OPERATION_NAME_VALUES, type GenAiRequest, type GenAiResponse, isObject, stringOr } from '@llmtel/core';
import type { Target } from './internal-types.js';
import { contentText, inputMessages, outputMessages, requestText, systemInstructions } from './messages.js';
import { anthropicUsage, messagesRequestAttributes, modelOf, type Json } from './utils.js';

/** A `messages.create` (or `beta.messages.create`, or `messages.stream`) request body as a GenAI call. */
export function messagesRequest(body: Json, target: Target, capture: boolean, streaming: boolean): GenAiRequest {
  const request: GenAiRequest = {
    provider: target.provider,
    operation: GEN_AI_OPERATION_NAME_VALUES.CHAT,
    requestModel: modelOf(body),
    streaming,
    serverAddress: target.serverAddress,
    serverPort: target.serverPort,
    requestAttributes: messagesRequestAttributes(body),
    estimateInputText: () => requestText(body),
  };
  if (capture) {
    const { messages, system } = body;
    request.inputMessages = () => inputMessages(messages);
    request.systemInstructions = () => systemInstructions(system);
  }
  return request;
}

/** A parsed (not streamed) `Message`. */
export function messagesResponse(message: unknown, capture: boolean): GenAiResponse {
  if (!isObject(message)) return {};
  const stopReason = message.stop_reason;
  const usage = anthropicUsage(message.usage);
  const response: GenAiResponse = {
    responseModel: stringOr(message.model),
    responseId: stringOr(message.id),
    finishReasons: typeof stopReason === 'string' ? [stopReason] : [],
    usage,
  };
  const content = message.content;
  if (usage?.outputTokens === undefined) response.estimateOutputText = () => contentText(content).join('');
  if (capture) response.outputMessages = () => outputMessages(content, stopReason);
  return response;
}

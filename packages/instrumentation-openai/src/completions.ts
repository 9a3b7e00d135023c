import {
  GEN_AI_OPERATION_NAME_VALUES,
  type GenAiMessage,
  type GenAiRequest,
  type GenAiResponse,
  isObject,
  stringOr,
} from '@llmtel/core';
import { ChatStreamAccumulator } from './chat.js';
import type { Operation, Target } from './internal-types.js';
import { promptMessages, promptTexts } from './messages.js';
import { chatUsage, completionRequestAttributes, modelOf, openaiResponseAttributes, type Json } from './utils.js';

/** Legacy `client.completions.create`: plain and streamed (`text_completion` chunks). */
export const completionsOperation: Operation = {
  includeUsage: true,
  request: completionRequest,
  response: completionResponse,
  // Chunks have the chat chunk shape with `choices[].text` in place of `delta`.
  stream: (options) => new ChatStreamAccumulator(options),
};

function completionRequest(body: Json, target: Target, capture: boolean): GenAiRequest {
  const prompt = body.prompt;
  const request: GenAiRequest = {
    provider: target.provider,
    operation: GEN_AI_OPERATION_NAME_VALUES.TEXT_COMPLETION,
    requestModel: modelOf(body),
    streaming: body.stream === true,
    serverAddress: target.serverAddress,
    serverPort: target.serverPort,
    requestAttributes: completionRequestAttributes(body),
    estimateInputText: () => promptTexts(prompt).join('\n'),
  };
  if (capture) request.inputMessages = () => promptMessages(prompt);
  return request;
}

function choiceTexts(choices: unknown[]): GenAiMessage[] {
  return choices.map((choice) => {
    const c = isObject(choice) ? choice : {};
    const message: GenAiMessage = {
      role: 'assistant',
      parts: [{ type: 'text', content: typeof c.text === 'string' ? c.text : '' }],
    };
    if (typeof c.finish_reason === 'string') message.finish_reason = c.finish_reason;
    return message;
  });
}

function completionResponse(result: unknown, capture: boolean): GenAiResponse {
  if (!isObject(result)) return {};
  const choices = Array.isArray(result.choices) ? (result.choices as unknown[]) : [];
  const finishReasons: string[] = [];
  for (const choice of choices) {
    if (isObject(choice) && typeof choice.finish_reason === 'string') finishReasons.push(choice.finish_reason);
  }
  const usage = chatUsage(result.usage);
  const response: GenAiResponse = {
    responseModel: stringOr(result.model),
    responseId: stringOr(result.id),
    finishReasons,
    usage,
    attributes: openaiResponseAttributes(result),
  };
  if (usage?.outputTokens === undefined) {
    response.estimateOutputText = () =>
      choices.map((c) => (isObject(c) && typeof c.text === 'string' ? c.text : '')).join('\n');
  }
  if (capture) response.outputMessages = () => choiceTexts(choices);
  return response;
}

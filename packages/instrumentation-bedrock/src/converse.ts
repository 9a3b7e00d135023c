import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_GEN_AI_REQUEST_TOP_P,
  GEN_AI_OPERATION_NAME_VALUES,
  type GenAiRequest,
  type GenAiResponse,
  isNumber,
  stringOr,
  messagesText,
} from '@llmtel/core';
import type { EventReader, Operation, Prepared, Target } from './internal-types.js';
import { converseMessages, converseOutputMessage, converseSystem, MessageAssembler } from './messages.js';
import { ATTR_AWS_BEDROCK_GUARDRAIL_ID, PROVIDER } from './semconv.js';
import { converseUsage, toTokenUsage, type BedrockUsage } from './usage.js';
import { isObject, setNumber, setStrings, type Json } from './utils.js';

/** `ConverseCommand`: one chat request in the Bedrock-wide message format. */
export const converseOperation: Operation = {
  prepare: (input, target, capture) => prepareConverse(input, target, capture, false),
};

/** `ConverseStreamCommand`: the same request, answered as an event stream in the output's `stream`. */
export const converseStreamOperation: Operation = {
  prepare: (input, target, capture) => prepareConverse(input, target, capture, true),
};

/** `gen_ai.request.*` attributes of a Converse input. */
export function converseRequestAttributes(input: Json): Attributes {
  const attrs: Attributes = {};
  const config = isObject(input.inferenceConfig) ? input.inferenceConfig : {};
  setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, config.maxTokens);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, config.temperature);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, config.topP);
  setStrings(attrs, ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, config.stopSequences);
  // top_k is model-specific, so Converse takes it in additionalModelRequestFields (Anthropic `top_k`, Nova
  // `inferenceConfig.topK`).
  const extra = isObject(input.additionalModelRequestFields) ? input.additionalModelRequestFields : {};
  const novaConfig = isObject(extra.inferenceConfig) ? extra.inferenceConfig : {};
  const topK = isNumber(extra.top_k) ? extra.top_k : novaConfig.topK;
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_K, topK);
  const guardrail = isObject(input.guardrailConfig) ? stringOr(input.guardrailConfig.guardrailIdentifier) : undefined;
  if (guardrail !== undefined) attrs[ATTR_AWS_BEDROCK_GUARDRAIL_ID] = guardrail;
  return attrs;
}

function prepareConverse(input: Json, target: Target, capture: boolean, streaming: boolean): Prepared {
  const { messages, system } = input;
  const request: GenAiRequest = {
    provider: PROVIDER,
    operation: GEN_AI_OPERATION_NAME_VALUES.CHAT,
    requestModel: stringOr(input.modelId) ?? '',
    streaming,
    serverAddress: target.serverAddress,
    serverPort: target.serverPort,
    requestAttributes: converseRequestAttributes(input),
    estimateInputText: () => messagesText(converseMessages(messages), converseSystem(system)),
  };
  if (capture) {
    request.inputMessages = () => converseMessages(messages);
    request.systemInstructions = () => converseSystem(system);
  }
  const prepared: Prepared = { request, response: (output) => converseResponse(output, capture) };
  if (streaming) {
    prepared.streamKey = 'stream';
    prepared.events = () => new ConverseStreamReader(capture);
  }
  return prepared;
}

function converseResponse(output: Json, capture: boolean): GenAiResponse {
  const stopReason = stringOr(output.stopReason);
  const usage = toTokenUsage(converseUsage(output.usage));
  const message = isObject(output.output) ? output.output.message : undefined;
  const response: GenAiResponse = { finishReasons: stopReason === undefined ? [] : [stopReason], usage };
  if (usage?.outputTokens === undefined) {
    response.estimateOutputText = () => messagesText(converseOutputMessage(message, stopReason));
  }
  if (capture) response.outputMessages = () => converseOutputMessage(message, stopReason);
  return response;
}

/**
 * Reads one content event of a Converse-shaped stream (ConverseStream, and Nova's InvokeModel stream chunks) into
 * `assembler`. @returns true when the event carries generated output
 */
export function readConverseEvent(event: Json, assembler: MessageAssembler): boolean {
  const delta = event.contentBlockDelta;
  if (isObject(delta)) {
    const index = isNumber(delta.contentBlockIndex) ? delta.contentBlockIndex : 0;
    const d = isObject(delta.delta) ? delta.delta : {};
    if (typeof d.text === 'string') assembler.text(index, d.text);
    else if (isObject(d.toolUse) && typeof d.toolUse.input === 'string') assembler.toolInput(index, d.toolUse.input);
    else if (isObject(d.reasoningContent) && typeof d.reasoningContent.text === 'string') {
      assembler.reasoning(index, d.reasoningContent.text);
    }
    return true;
  }
  const start = event.contentBlockStart;
  if (isObject(start) && isObject(start.start) && isObject(start.start.toolUse)) {
    const use = start.start.toolUse;
    const index = isNumber(start.contentBlockIndex) ? start.contentBlockIndex : 0;
    assembler.toolStart(index, stringOr(use.toolUseId), stringOr(use.name));
  } else if (isObject(event.messageStop)) {
    assembler.finishReason = stringOr(event.messageStop.stopReason);
  }
  return false;
}

/**
 * Reads ConverseStream events: `messageStart`, `contentBlockStart` (a tool call's id and name),
 * `contentBlockDelta` (text, tool input JSON, reasoning), `contentBlockStop`, `messageStop` (the stop reason) and
 * `metadata` (usage). Errors the stream reports are thrown by the SDK's iterator and end the span there.
 */
export class ConverseStreamReader implements EventReader {
  private readonly capture: boolean;
  private readonly assembler = new MessageAssembler();
  private usage: BedrockUsage | undefined;

  constructor(capture: boolean) {
    this.capture = capture;
  }

  add(event: unknown): boolean {
    if (!isObject(event)) return false;
    if (isObject(event.metadata)) {
      this.usage = converseUsage(event.metadata.usage);
      return false;
    }
    return readConverseEvent(event, this.assembler);
  }

  response(): GenAiResponse {
    const assembler = this.assembler;
    const reason = assembler.finishReason;
    const usage = toTokenUsage(this.usage);
    const response: GenAiResponse = { finishReasons: reason === undefined ? [] : [reason], usage };
    if (usage?.outputTokens === undefined) response.estimateOutputText = () => assembler.generatedText();
    if (this.capture) response.outputMessages = () => assembler.message();
    return response;
  }
}

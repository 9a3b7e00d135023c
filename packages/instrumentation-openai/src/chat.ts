import {
  GEN_AI_OPERATION_NAME_VALUES,
  type GenAiMessage,
  type GenAiMessagePart,
  type GenAiRequest,
  type GenAiResponse,
  isObject,
  stringOr,
  CHUNK_HIDDEN,
  CHUNK_OUTPUT,
  type ChunkDisposition,
  type SdkStreamAccumulator,
  messagesText,
  toolArguments,
} from '@llmtel/core';
import type { Operation, StreamOptions, Target } from './internal-types.js';
import { chatInputMessages, chatOutputMessages } from './messages.js';
import { chatRequestAttributes, chatUsage, modelOf, openaiResponseAttributes, type Json } from './utils.js';

/** `client.chat.completions.create`: plain and streamed. */
export const chatOperation: Operation = {
  includeUsage: true,
  request: chatRequest,
  response: chatResponse,
  stream: (options) => new ChatStreamAccumulator(options),
};

function chatRequest(body: Json, target: Target, capture: boolean): GenAiRequest {
  const messages = body.messages;
  const request: GenAiRequest = {
    provider: target.provider,
    operation: GEN_AI_OPERATION_NAME_VALUES.CHAT,
    requestModel: modelOf(body),
    streaming: body.stream === true,
    serverAddress: target.serverAddress,
    serverPort: target.serverPort,
    requestAttributes: chatRequestAttributes(body),
    estimateInputText: () => messagesText(chatInputMessages(messages)),
  };
  if (capture) request.inputMessages = () => chatInputMessages(messages);
  return request;
}

function chatText(choices: unknown): string {
  return messagesText(chatOutputMessages(choices));
}

function chatResponse(result: unknown, capture: boolean): GenAiResponse {
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
  if (usage?.outputTokens === undefined) response.estimateOutputText = () => chatText(choices);
  if (capture) response.outputMessages = () => chatOutputMessages(choices);
  return response;
}

/** What one streamed choice said; only kept when content capture is on. */
interface ChoiceState {
  text: string[];
  toolCalls: { id?: string; name: string; args: string[] }[];
  finishReason?: string;
}

/**
 * Reads `chat.completion.chunk`s (and legacy `text_completion` chunks, which differ only in `choices[].text`):
 * usage from the last chunk that carries one (with `include_usage` it has `choices: []`; Groq puts it in
 * `x_groq.usage`), finish reasons per choice index, id/model/fingerprint from the first chunk.
 */
export class ChatStreamAccumulator implements SdkStreamAccumulator {
  private readonly capture: boolean;
  private readonly injectedUsage: boolean;
  private id: string | undefined;
  private model: string | undefined;
  private attributes: GenAiResponse['attributes'];
  private usage: unknown;
  private readonly finishReasons: string[] = [];
  /** Every content delta, for estimation when the stream reports no usage (references, not copies). */
  private readonly texts: string[] = [];
  private readonly choices: ChoiceState[] = [];

  constructor(options: StreamOptions) {
    this.capture = options.capture;
    this.injectedUsage = options.injectedUsage;
  }

  add(chunk: unknown): ChunkDisposition {
    if (!isObject(chunk)) return CHUNK_OUTPUT;
    if (this.id === undefined) {
      this.id = stringOr(chunk.id);
      this.model = stringOr(chunk.model);
      this.attributes = openaiResponseAttributes(chunk);
    }
    const choices = chunk.choices;
    const usage = chunk.usage;
    if (usage !== undefined && usage !== null) {
      this.usage = usage;
      // The chunk `include_usage` adds has no choices; the app did not ask for it, so it never sees it.
      if (this.injectedUsage && Array.isArray(choices) && choices.length === 0) return CHUNK_HIDDEN;
    } else if (usage === null && this.injectedUsage) {
      // With include_usage every other chunk carries `"usage": null`; without it the key is absent.
      delete chunk.usage;
    } else if (isObject(chunk.x_groq) && isObject(chunk.x_groq.usage)) {
      this.usage = chunk.x_groq.usage;
    }
    if (Array.isArray(choices)) {
      for (let i = 0; i < choices.length; i++) this.addChoice(choices[i]);
    }
    return CHUNK_OUTPUT;
  }

  private addChoice(choice: unknown): void {
    if (!isObject(choice)) return;
    const index = typeof choice.index === 'number' ? choice.index : 0;
    const finish = choice.finish_reason;
    if (typeof finish === 'string') this.finishReasons[index] = finish;
    const delta = isObject(choice.delta) ? choice.delta : undefined;
    const content = delta !== undefined ? delta.content : choice.text;
    if (typeof content === 'string' && content !== '') this.texts.push(content);
    if (!this.capture) {
      if (delta !== undefined && Array.isArray(delta.tool_calls)) this.countToolCalls(delta.tool_calls);
      return;
    }
    const state = (this.choices[index] ??= { text: [], toolCalls: [] });
    if (typeof finish === 'string') state.finishReason = finish;
    if (typeof content === 'string' && content !== '') state.text.push(content);
    if (delta !== undefined && typeof delta.refusal === 'string') state.text.push(delta.refusal);
    if (delta !== undefined && Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls as unknown[]) this.addToolCall(state, call);
    }
  }

  /** Tool call arguments are output tokens too: keep them for estimation. */
  private countToolCalls(calls: unknown[]): void {
    for (const call of calls) {
      if (isObject(call) && isObject(call.function) && typeof call.function.arguments === 'string') {
        this.texts.push(call.function.arguments);
      }
    }
  }

  private addToolCall(state: ChoiceState, call: unknown): void {
    if (!isObject(call)) return;
    const index = typeof call.index === 'number' ? call.index : state.toolCalls.length;
    const entry = (state.toolCalls[index] ??= { name: '', args: [] });
    if (typeof call.id === 'string') entry.id = call.id;
    const fn = isObject(call.function) ? call.function : undefined;
    if (fn !== undefined && typeof fn.name === 'string') entry.name += fn.name;
    if (fn !== undefined && typeof fn.arguments === 'string') {
      entry.args.push(fn.arguments);
      this.texts.push(fn.arguments);
    }
  }

  response(): GenAiResponse {
    const usage = chatUsage(this.usage);
    const response: GenAiResponse = {
      responseModel: this.model,
      responseId: this.id,
      finishReasons: this.finishReasons.filter((r) => r !== undefined),
      usage,
      attributes: this.attributes,
    };
    if (usage?.outputTokens === undefined) {
      const texts = this.texts;
      response.estimateOutputText = () => texts.join('');
    }
    if (this.capture) {
      const choices = this.choices;
      response.outputMessages = () => streamedMessages(choices);
    }
    return response;
  }

  error(): unknown {
    return undefined;
  }
}

function streamedMessages(choices: readonly (ChoiceState | undefined)[]): GenAiMessage[] {
  const out: GenAiMessage[] = [];
  for (const choice of choices) {
    if (choice === undefined) continue;
    const parts: GenAiMessagePart[] = [];
    if (choice.text.length > 0) parts.push({ type: 'text', content: choice.text.join('') });
    for (const call of choice.toolCalls) {
      if (call === undefined) continue;
      parts.push({ type: 'tool_call', id: call.id, name: call.name, arguments: toolArguments(call.args.join('')) });
    }
    const message: GenAiMessage = { role: 'assistant', parts };
    if (choice.finishReason !== undefined) message.finish_reason = choice.finishReason;
    out.push(message);
  }
  return out;
}

import {
  type GenAiMessage,
  type GenAiMessagePart,
  type GenAiResponse,
  isObject,
  type StreamEventAccumulator,
  stringOr,
  toolArguments,
} from '@llmtel/core';
import { usageOf } from './usage.js';

/** What one streamed choice said; the parts are only kept when content capture is on. */
interface ChoiceState {
  text: string[];
  toolCalls: Map<number, { id?: string; name: string; args: string[] }>;
  finishReason?: string;
}

function deltaText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const chunk of content) {
    if (isObject(chunk) && chunk.type === 'text' && typeof chunk.text === 'string') text += chunk.text;
  }
  return text;
}

/**
 * Reads the events of `chat.stream()` / `fim.stream()` (`{ data: CompletionChunk }`): id and model from the first
 * chunk, finish reasons per choice index, usage from the last chunk that carries one (the API sends it with the final
 * finish reason).
 */
export class ChunkAccumulator implements StreamEventAccumulator {
  private readonly capture: boolean;
  private id: string | undefined;
  private model: string | undefined;
  private usage: unknown;
  private readonly choices = new Map<number, ChoiceState>();
  /** Every text delta, for estimation when the stream reports no usage (references, not copies). */
  private readonly texts: string[] = [];

  constructor(capture: boolean) {
    this.capture = capture;
  }

  add(event: unknown): boolean {
    const chunk = isObject(event) && isObject(event.data) ? event.data : undefined;
    if (chunk === undefined) return false;
    this.id ??= stringOr(chunk.id);
    this.model ??= stringOr(chunk.model);
    if (isObject(chunk.usage)) this.usage = chunk.usage;
    let output = false;
    if (Array.isArray(chunk.choices)) {
      for (const choice of chunk.choices as unknown[]) {
        if (isObject(choice) && this.addChoice(choice)) output = true;
      }
    }
    return output;
  }

  private addChoice(choice: Record<string, unknown>): boolean {
    const index = typeof choice.index === 'number' ? choice.index : 0;
    let state = this.choices.get(index);
    if (state === undefined) {
      state = { text: [], toolCalls: new Map() };
      this.choices.set(index, state);
    }
    const reason = stringOr(choice.finishReason ?? choice.finish_reason);
    if (reason !== undefined) state.finishReason = reason;
    const delta = isObject(choice.delta) ? choice.delta : undefined;
    if (delta === undefined) return false;
    const text = deltaText(delta.content);
    let output = text !== '';
    if (output) {
      this.texts.push(text);
      if (this.capture) state.text.push(text);
    }
    const calls = delta.toolCalls ?? delta.tool_calls;
    if (Array.isArray(calls)) {
      for (const [position, call] of (calls as unknown[]).entries()) {
        if (!isObject(call) || !isObject(call.function)) continue;
        output = true;
        const args = typeof call.function.arguments === 'string' ? call.function.arguments : '';
        this.texts.push(args);
        if (!this.capture) continue;
        const key = typeof call.index === 'number' ? call.index : position;
        const known = state.toolCalls.get(key);
        if (known === undefined) {
          state.toolCalls.set(key, { id: stringOr(call.id), name: stringOr(call.function.name) ?? '', args: [args] });
        } else {
          known.args.push(args);
        }
      }
    }
    return output;
  }

  response(): GenAiResponse {
    const finishReasons: string[] = [];
    for (const state of this.choices.values())
      if (state.finishReason !== undefined) finishReasons.push(state.finishReason);
    const usage = usageOf(this.usage);
    const response: GenAiResponse = { responseModel: this.model, responseId: this.id, finishReasons, usage };
    if (usage?.outputTokens === undefined) {
      const texts = this.texts;
      response.estimateOutputText = () => texts.join('');
    }
    if (this.capture) response.outputMessages = () => this.outputMessages();
    return response;
  }

  private outputMessages(): GenAiMessage[] {
    return [...this.choices.values()].map((state) => {
      const parts: GenAiMessagePart[] = [];
      if (state.text.length > 0) parts.push({ type: 'text', content: state.text.join('') });
      for (const call of state.toolCalls.values()) {
        const args = toolArguments(call.args.join(''));
        parts.push({ type: 'tool_call', id: call.id, name: call.name, arguments: args });
      }
      const message: GenAiMessage = { role: 'assistant', parts };
      if (state.finishReason !== undefined) message.finish_reason = state.finishReason;
      return message;
    });
  }
}

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

/** The `delta.message` of an event. */
function deltaMessage(event: Record<string, unknown>): Record<string, unknown> | undefined {
  const delta = event.delta;
  return isObject(delta) && isObject(delta.message) ? delta.message : undefined;
}

/**
 * Reads the events of a v2 `chatStream()`: the id from `message-start`, text and thinking from `content-delta`, the
 * tool plan and tool calls from `tool-plan-delta` / `tool-call-*`, and the finish reason and usage from `message-end`
 * (the only event that carries usage).
 */
export class ChatStreamAccumulator implements StreamEventAccumulator {
  private readonly capture: boolean;
  private id: string | undefined;
  private finishReason: string | undefined;
  private usage: unknown;
  /** Every output delta, for estimation when the stream reports no usage (references, not copies). */
  private readonly texts: string[] = [];
  private readonly plan: string[] = [];
  private readonly thinking: string[] = [];
  private readonly text: string[] = [];
  private readonly toolCalls: { id?: string; name: string; args: string[] }[] = [];

  constructor(capture: boolean) {
    this.capture = capture;
  }

  add(event: unknown): boolean {
    if (!isObject(event)) return false;
    const message = deltaMessage(event);
    switch (event.type) {
      case 'message-start':
        this.id ??= stringOr(event.id);
        return false;
      case 'content-delta': {
        const content = message && isObject(message.content) ? message.content : undefined;
        const text = content && stringOr(content.text);
        const thinking = content && stringOr(content.thinking);
        if (text !== undefined) this.keep(text, this.text);
        if (thinking !== undefined) this.keep(thinking, this.thinking);
        return text !== undefined || thinking !== undefined;
      }
      case 'tool-plan-delta': {
        const plan = message && stringOr(message.toolPlan ?? message.tool_plan);
        if (plan !== undefined) this.keep(plan, this.plan);
        return plan !== undefined;
      }
      case 'tool-call-start':
      case 'tool-call-delta': {
        const call = message ? (message.toolCalls ?? message.tool_calls) : undefined;
        const fn = isObject(call) && isObject(call.function) ? call.function : undefined;
        if (fn === undefined) return false;
        const args = stringOr(fn.arguments) ?? '';
        this.texts.push(args);
        if (this.capture) {
          if (event.type === 'tool-call-start' || this.toolCalls.length === 0) {
            this.toolCalls.push({
              id: stringOr((call as Record<string, unknown>).id),
              name: stringOr(fn.name) ?? '',
              args: [],
            });
          }
          this.toolCalls[this.toolCalls.length - 1]!.args.push(args);
        }
        return true;
      }
      case 'message-end': {
        this.id ??= stringOr(event.id);
        const delta = isObject(event.delta) ? event.delta : {};
        this.finishReason = stringOr(delta.finishReason ?? delta.finish_reason) ?? this.finishReason;
        if (isObject(delta.usage)) this.usage = delta.usage;
        return false;
      }
      default:
        return false;
    }
  }

  private keep(text: string, into: string[]): void {
    this.texts.push(text);
    if (this.capture) into.push(text);
  }

  response(): GenAiResponse {
    const usage = usageOf(this.usage);
    const finishReasons = this.finishReason === undefined ? [] : [this.finishReason];
    const response: GenAiResponse = { responseId: this.id, finishReasons, usage };
    if (usage?.outputTokens === undefined) {
      const texts = this.texts;
      response.estimateOutputText = () => texts.join('');
    }
    if (this.capture) response.outputMessages = () => this.outputMessages();
    return response;
  }

  private outputMessages(): GenAiMessage[] {
    const parts: GenAiMessagePart[] = [];
    if (this.plan.length > 0) parts.push({ type: 'reasoning', content: this.plan.join('') });
    if (this.thinking.length > 0) parts.push({ type: 'reasoning', content: this.thinking.join('') });
    if (this.text.length > 0) parts.push({ type: 'text', content: this.text.join('') });
    for (const call of this.toolCalls) {
      const args = toolArguments(call.args.join(''));
      parts.push({ type: 'tool_call', id: call.id, name: call.name, arguments: args });
    }
    const message: GenAiMessage = { role: 'assistant', parts };
    if (this.finishReason !== undefined) message.finish_reason = this.finishReason;
    return [message];
  }
}

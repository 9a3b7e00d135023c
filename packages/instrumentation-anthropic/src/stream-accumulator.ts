import {
  type GenAiResponse,
  isObject,
  stringOr,
  CHUNK_EVENT,
  CHUNK_OUTPUT,
  type ChunkDisposition,
  type SdkStreamAccumulator,
  toolArguments,
} from '@llmtel/core';
import { outputMessages } from './messages.js';
import { streamedUsage, type Json } from './utils.js';

/** A content block as the stream builds it; kept only when content capture is on. */
interface BlockState {
  block: Json;
  text: string[];
  json: string[];
}

/**
 * Reads a Messages stream's events (https://docs.anthropic.com/en/docs/build-with-claude/streaming): id, model and
 * the input usage from `message_start`; the stop reason and the final usage from `message_delta`; the content from
 * the `content_block_*` events. Only `content_block_delta` events count as output chunks for the timing metrics.
 */
export class MessagesStreamAccumulator implements SdkStreamAccumulator {
  private readonly capture: boolean;
  private id: string | undefined;
  private model: string | undefined;
  private startUsage: Json | undefined;
  private deltaUsage: Json | undefined;
  private stopReason: string | undefined;
  /** Every delta's text, for estimation when the stream ends before its final usage (references, not copies). */
  private readonly texts: string[] = [];
  private readonly blocks: BlockState[] = [];

  constructor(capture: boolean) {
    this.capture = capture;
  }

  add(event: unknown): ChunkDisposition {
    if (!isObject(event)) return CHUNK_EVENT;
    switch (event.type) {
      case 'content_block_delta':
        this.delta(event);
        return CHUNK_OUTPUT;
      case 'message_start': {
        const message = isObject(event.message) ? event.message : {};
        this.id = stringOr(message.id);
        this.model = stringOr(message.model);
        if (isObject(message.usage)) this.startUsage = message.usage;
        break;
      }
      case 'message_delta': {
        if (isObject(event.usage)) this.overlayUsage(event.usage);
        const delta = isObject(event.delta) ? event.delta : {};
        if (typeof delta.stop_reason === 'string') this.stopReason = delta.stop_reason;
        break;
      }
      case 'content_block_start':
        if (this.capture && typeof event.index === 'number' && isObject(event.content_block)) {
          this.blocks[event.index] = { block: { ...event.content_block }, text: [], json: [] };
        }
        break;
      default:
        break;
    }
    return CHUNK_EVENT;
  }

  /** A later `message_delta` replaces the totals it reports; null means "not reported" and keeps the earlier value. */
  private overlayUsage(usage: Json): void {
    const merged: Json = { ...this.deltaUsage };
    for (const [key, value] of Object.entries(usage)) {
      if (value !== null && value !== undefined) merged[key] = value;
    }
    this.deltaUsage = merged;
  }

  private delta(event: Json): void {
    const delta = isObject(event.delta) ? event.delta : {};
    const text = delta.text ?? delta.thinking ?? delta.partial_json;
    if (typeof text !== 'string' || text === '') return;
    this.texts.push(text);
    if (!this.capture || typeof event.index !== 'number') return;
    const state = this.blocks[event.index];
    if (state === undefined) return;
    if (delta.type === 'input_json_delta') state.json.push(text);
    else state.text.push(text);
  }

  response(): GenAiResponse {
    const usage = streamedUsage(this.startUsage, this.deltaUsage);
    const response: GenAiResponse = {
      responseModel: this.model,
      responseId: this.id,
      finishReasons: this.stopReason !== undefined ? [this.stopReason] : [],
      usage,
    };
    if (usage?.outputTokens === undefined) {
      const texts = this.texts;
      response.estimateOutputText = () => texts.join('');
    }
    if (this.capture) {
      const blocks = this.blocks;
      const stopReason = this.stopReason;
      response.outputMessages = () => outputMessages(rebuild(blocks), stopReason);
    }
    return response;
  }
}

function rebuild(blocks: readonly (BlockState | undefined)[]): Json[] {
  const out: Json[] = [];
  for (const state of blocks) {
    if (state === undefined) continue;
    const block = { ...state.block };
    if (block.type === 'text') block.text = (stringOr(block.text) ?? '') + state.text.join('');
    else if (block.type === 'thinking') block.thinking = (stringOr(block.thinking) ?? '') + state.text.join('');
    if (state.json.length > 0) block.input = toolArguments(state.json.join(''));
    out.push(block);
  }
  return out;
}

import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_GEN_AI_REQUEST_TOP_P,
  GEN_AI_OPERATION_NAME_VALUES,
  isNumber,
  numberOr,
  stringOr,
  messagesText,
} from '@llmtel/core';
import type { BodyFormat, ChunkReader, ModelResult } from './internal-types.js';
import {
  anthropicMessages,
  anthropicOutputMessage,
  anthropicSystem,
  MessageAssembler,
  promptMessages,
  textOutputMessages,
} from './messages.js';
import type { BedrockUsage } from './usage.js';
import { isObject, setNumber, setStrings, type Json } from './utils.js';

/**
 * Claude's InvokeModel bodies: the Messages API (`anthropic_version: "bedrock-2023-05-31"`, `messages`) and the
 * legacy Text Completions API (`prompt`, `max_tokens_to_sample`).
 */

function sampling(body: Json, attrs: Attributes): void {
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, body.top_p);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_K, body.top_k);
  setStrings(attrs, ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, body.stop_sequences);
}

/**
 * Anthropic's `usage`: `input_tokens` excludes the cache reads and writes, as Bedrock's own counts do;
 * `cache_creation.ephemeral_1h_input_tokens` is the part of the writes with a 1-hour TTL.
 */
function anthropicUsage(usage: unknown): BedrockUsage | undefined {
  if (!isObject(usage)) return undefined;
  const byTtl = usage.cache_creation;
  return {
    input: numberOr(usage.input_tokens),
    output: numberOr(usage.output_tokens),
    cacheRead: numberOr(usage.cache_read_input_tokens),
    cacheWrite: numberOr(usage.cache_creation_input_tokens),
    cacheWrite1h: isObject(byTtl) ? numberOr(byTtl.ephemeral_1h_input_tokens) : undefined,
  };
}

export const anthropicMessagesFormat: BodyFormat = {
  operation: GEN_AI_OPERATION_NAME_VALUES.CHAT,
  requestAttributes(body) {
    const attrs: Attributes = {};
    setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_tokens);
    sampling(body, attrs);
    return attrs;
  },
  inputMessages: (body) => anthropicMessages(body.messages),
  systemInstructions: (body) => anthropicSystem(body.system),
  response(body): ModelResult {
    const stopReason = stringOr(body.stop_reason);
    const content = body.content;
    return {
      usage: anthropicUsage(body.usage),
      finishReasons: stopReason === undefined ? [] : [stopReason],
      responseId: stringOr(body.id),
      outputText: () => messagesText(anthropicOutputMessage(content, stopReason)),
      outputMessages: () => anthropicOutputMessage(content, stopReason),
    };
  },
  stream: () => new AnthropicChunkReader(),
};

/**
 * The Messages streaming events, one per chunk: `message_start` (id and input usage; its `output_tokens` is a
 * placeholder), `content_block_start`, `content_block_delta`, `message_delta` (stop reason and the final
 * `output_tokens`), `message_stop`.
 */
class AnthropicChunkReader implements ChunkReader {
  private readonly assembler = new MessageAssembler();
  private id: string | undefined;
  private usage: BedrockUsage = {};

  add(chunk: Json): boolean {
    switch (chunk.type) {
      case 'content_block_delta':
        this.delta(chunk);
        return true;
      case 'content_block_start':
        this.start(chunk);
        return false;
      case 'message_start':
        if (isObject(chunk.message)) {
          this.id = stringOr(chunk.message.id);
          // Its output_tokens is a placeholder; the real count comes with message_delta.
          const { output: _placeholder, ...counts } = defined(anthropicUsage(chunk.message.usage));
          this.usage = { ...this.usage, ...counts };
        }
        return false;
      case 'message_delta':
        if (isObject(chunk.delta)) this.assembler.finishReason = stringOr(chunk.delta.stop_reason);
        this.usage = { ...this.usage, ...defined(anthropicUsage(chunk.usage)) };
        return false;
      default:
        return false;
    }
  }

  private start(chunk: Json): void {
    const block = chunk.content_block;
    const index = isNumber(chunk.index) ? chunk.index : 0;
    if (!isObject(block)) return;
    if (block.type === 'tool_use') this.assembler.toolStart(index, stringOr(block.id), stringOr(block.name));
    else if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
      this.assembler.text(index, block.text);
    }
  }

  private delta(chunk: Json): void {
    const delta = isObject(chunk.delta) ? chunk.delta : {};
    const index = isNumber(chunk.index) ? chunk.index : 0;
    if (typeof delta.text === 'string') this.assembler.text(index, delta.text);
    else if (typeof delta.partial_json === 'string') this.assembler.toolInput(index, delta.partial_json);
    else if (typeof delta.thinking === 'string') this.assembler.reasoning(index, delta.thinking);
  }

  result(): ModelResult {
    const assembler = this.assembler;
    const reason = assembler.finishReason;
    return {
      usage: this.usage,
      finishReasons: reason === undefined ? [] : [reason],
      responseId: this.id,
      outputText: () => assembler.generatedText(),
      outputMessages: () => assembler.message(),
    };
  }
}

/** Only the counts that are there, so that a later event's missing field does not erase an earlier one. */
function defined(usage: BedrockUsage | undefined): BedrockUsage {
  const out: BedrockUsage = {};
  if (usage === undefined) return out;
  if (usage.input !== undefined) out.input = usage.input;
  if (usage.output !== undefined) out.output = usage.output;
  if (usage.cacheRead !== undefined) out.cacheRead = usage.cacheRead;
  if (usage.cacheWrite !== undefined) out.cacheWrite = usage.cacheWrite;
  if (usage.cacheWrite1h !== undefined) out.cacheWrite1h = usage.cacheWrite1h;
  return out;
}

export const anthropicTextFormat: BodyFormat = {
  operation: GEN_AI_OPERATION_NAME_VALUES.TEXT_COMPLETION,
  requestAttributes(body) {
    const attrs: Attributes = {};
    setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_tokens_to_sample);
    sampling(body, attrs);
    return attrs;
  },
  inputMessages: (body) => promptMessages(body.prompt),
  response(body): ModelResult {
    const text = stringOr(body.completion) ?? '';
    const reason = stringOr(body.stop_reason);
    return {
      finishReasons: reason === undefined ? [] : [reason],
      outputText: () => text,
      outputMessages: () => textOutputMessages([text], [reason]),
    };
  },
  stream(): ChunkReader {
    const pieces: string[] = [];
    let reason: string | undefined;
    return {
      add(chunk) {
        reason = stringOr(chunk.stop_reason) ?? reason;
        if (typeof chunk.completion !== 'string') return false;
        pieces.push(chunk.completion);
        return true;
      },
      result: () => ({
        finishReasons: reason === undefined ? [] : [reason],
        outputText: () => pieces.join(''),
        outputMessages: () => textOutputMessages([pieces.join('')], [reason]),
      }),
    };
  },
};

import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
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
import { readConverseEvent } from './converse.js';
import type { BodyFormat, ChunkReader, ModelResult } from './internal-types.js';
import {
  converseMessages,
  converseOutputMessage,
  converseSystem,
  MessageAssembler,
  promptMessages,
  textOutputMessages,
} from './messages.js';
import { ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT } from './semconv.js';
import type { BedrockUsage } from './usage.js';
import { isObject, setNumber, setStrings, type Json } from './utils.js';

/** Amazon's InvokeModel bodies: Nova (`messages-v1`), Titan Text and Titan Embeddings. */

/** Nova's `usage`; the cache counts are spelled `…TokenCount` in the body and `…Tokens` in Converse. */
function novaUsage(usage: unknown): BedrockUsage | undefined {
  if (!isObject(usage)) return undefined;
  return {
    input: numberOr(usage.inputTokens),
    output: numberOr(usage.outputTokens),
    cacheRead: numberOr(usage.cacheReadInputTokenCount ?? usage.cacheReadInputTokens),
    cacheWrite: numberOr(usage.cacheWriteInputTokenCount ?? usage.cacheWriteInputTokens),
  };
}

export const novaFormat: BodyFormat = {
  operation: GEN_AI_OPERATION_NAME_VALUES.CHAT,
  requestAttributes(body) {
    const attrs: Attributes = {};
    const config = isObject(body.inferenceConfig) ? body.inferenceConfig : {};
    setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, config.max_new_tokens ?? config.maxTokens);
    setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, config.temperature);
    setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, config.top_p ?? config.topP);
    setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_K, config.top_k ?? config.topK);
    setStrings(attrs, ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, config.stopSequences);
    return attrs;
  },
  inputMessages: (body) => converseMessages(body.messages),
  systemInstructions: (body) => converseSystem(body.system),
  response(body): ModelResult {
    const stopReason = stringOr(body.stopReason);
    const message = isObject(body.output) ? body.output.message : undefined;
    return {
      usage: novaUsage(body.usage),
      finishReasons: stopReason === undefined ? [] : [stopReason],
      outputText: () => messagesText(converseOutputMessage(message, stopReason)),
      outputMessages: () => converseOutputMessage(message, stopReason),
    };
  },
  stream(): ChunkReader {
    const assembler = new MessageAssembler();
    let usage: BedrockUsage | undefined;
    return {
      add(chunk) {
        if (isObject(chunk.metadata)) {
          usage = novaUsage(chunk.metadata.usage);
          return false;
        }
        return readConverseEvent(chunk, assembler);
      },
      result: () => ({
        usage,
        finishReasons: assembler.finishReason === undefined ? [] : [assembler.finishReason],
        outputText: () => assembler.generatedText(),
        outputMessages: () => assembler.message(),
      }),
    };
  },
};

export const titanTextFormat: BodyFormat = {
  operation: GEN_AI_OPERATION_NAME_VALUES.TEXT_COMPLETION,
  requestAttributes(body) {
    const attrs: Attributes = {};
    const config = isObject(body.textGenerationConfig) ? body.textGenerationConfig : {};
    setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, config.maxTokenCount);
    setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, config.temperature);
    setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, config.topP);
    setStrings(attrs, ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, config.stopSequences);
    return attrs;
  },
  inputMessages: (body) => promptMessages(body.inputText),
  response(body): ModelResult {
    const results = Array.isArray(body.results) ? body.results.filter(isObject) : [];
    const texts = results.map((r) => stringOr(r.outputText) ?? '');
    const reasons = results.map((r) => stringOr(r.completionReason));
    let output: number | undefined;
    for (const r of results) if (isNumber(r.tokenCount)) output = (output ?? 0) + r.tokenCount;
    return {
      usage: { input: numberOr(body.inputTextTokenCount), output },
      finishReasons: reasons.filter((r) => r !== undefined),
      outputText: () => texts.join('\n'),
      outputMessages: () => textOutputMessages(texts, reasons),
    };
  },
  stream(): ChunkReader {
    const pieces: string[] = [];
    let reason: string | undefined;
    let input: number | undefined;
    let output: number | undefined;
    return {
      add(chunk) {
        reason = stringOr(chunk.completionReason) ?? reason;
        input = numberOr(chunk.inputTextTokenCount) ?? input;
        output = numberOr(chunk.totalOutputTextTokenCount) ?? output;
        if (typeof chunk.outputText !== 'string') return false;
        pieces.push(chunk.outputText);
        return true;
      },
      result: () => ({
        usage: { input, output },
        finishReasons: reason === undefined ? [] : [reason],
        outputText: () => pieces.join(''),
        outputMessages: () => textOutputMessages([pieces.join('')], [reason]),
      }),
    };
  },
};

/** Titan Text Embeddings (v1, v2) and Titan Multimodal Embeddings. */
export const titanEmbedFormat: BodyFormat = {
  operation: GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS,
  requestAttributes(body) {
    const attrs: Attributes = {};
    setNumber(attrs, ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, body.dimensions);
    const config = isObject(body.embeddingConfig) ? body.embeddingConfig : {};
    setNumber(attrs, ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, config.outputEmbeddingLength);
    setStrings(attrs, ATTR_GEN_AI_REQUEST_ENCODING_FORMATS, body.embeddingTypes);
    return attrs;
  },
  // The conventions define no content attributes for embeddings.
  inputMessages: () => [],
  inputText: (body) => stringOr(body.inputText) ?? '',
  response: (body) => ({ usage: { input: numberOr(body.inputTextTokenCount) } }),
  stream: () => ({ add: () => false, result: () => ({}) }),
};

export function isNovaBody(body: Json): boolean {
  return body.schemaVersion === 'messages-v1' || (Array.isArray(body.messages) && isObject(body.inferenceConfig));
}

import type { Attributes } from '@opentelemetry/api';
import {
  GEN_AI_OPERATION_NAME_VALUES,
  type GenAiRequest,
  type GenAiResponse,
  stringOr,
  messagesText,
} from '@llmtel/core';
import { anthropicMessagesFormat, anthropicTextFormat } from './format-anthropic.js';
import { isNovaBody, novaFormat, titanEmbedFormat, titanTextFormat } from './format-amazon.js';
import {
  chatCompletionsFormat,
  cohereChatFormat,
  cohereEmbedFormat,
  cohereTextFormat,
  promptCompletionFormat,
} from './format-others.js';
import type {
  BodyFormat,
  ChunkReader,
  EventReader,
  ModelResult,
  Operation,
  Prepared,
  Target,
} from './internal-types.js';
import { ATTR_AWS_BEDROCK_GUARDRAIL_ID, PROVIDER } from './semconv.js';
import { headerUsage, invocationMetricsUsage, preferFirst, toTokenUsage, type BedrockUsage } from './usage.js';
import { decodeBytes, isObject, parseJsonBody, type Json } from './utils.js';

/** `InvokeModelCommand`: one request in the model's own body format. */
export const invokeModelOperation: Operation = {
  prepare: (input, target, capture) => prepareInvoke(input, target, capture, false),
};

/** `InvokeModelWithResponseStreamCommand`: the same, answered as chunks of the model's streaming format. */
export const invokeModelStreamOperation: Operation = {
  prepare: (input, target, capture) => prepareInvoke(input, target, capture, true),
};

function has(body: Json, ...keys: string[]): boolean {
  return keys.some((key) => key in body);
}

/**
 * The body format of a request, from the body's shape first (a model id can be an application inference profile
 * ARN that names no model family), then from the model id.
 */
export function formatFor(modelId: string, body: Json | undefined): BodyFormat {
  const id = modelId.toLowerCase();
  if (body !== undefined) {
    if (has(body, 'anthropic_version') || id.includes('anthropic.')) {
      return typeof body.prompt === 'string' && !Array.isArray(body.messages)
        ? anthropicTextFormat
        : anthropicMessagesFormat;
    }
    if (isNovaBody(body)) return novaFormat;
    if (has(body, 'inputText', 'inputImage', 'textGenerationConfig')) {
      const embed =
        id.includes('embed') ||
        (!has(body, 'textGenerationConfig') && has(body, 'dimensions', 'normalize', 'embeddingTypes', 'inputImage'));
      return embed ? titanEmbedFormat : titanTextFormat;
    }
    if (has(body, 'texts', 'input_type', 'embedding_types')) return cohereEmbedFormat;
    if (typeof body.message === 'string' || Array.isArray(body.chat_history)) return cohereChatFormat;
    if (Array.isArray(body.messages)) return id.includes('amazon.nova') ? novaFormat : chatCompletionsFormat;
    if (typeof body.prompt === 'string') {
      const cohere = id.includes('cohere.') || has(body, 'p', 'k', 'num_generations', 'return_likelihoods');
      return cohere ? cohereTextFormat : promptCompletionFormat;
    }
  }
  return formatForModel(id);
}

/** When the body cannot be read (a stream or a Blob): the model family's usual format. */
function formatForModel(id: string): BodyFormat {
  if (id.includes('embed')) return id.includes('cohere.') ? cohereEmbedFormat : titanEmbedFormat;
  if (id.includes('anthropic.')) return anthropicMessagesFormat;
  if (id.includes('amazon.nova')) return novaFormat;
  if (id.includes('amazon.titan')) return titanTextFormat;
  if (id.includes('cohere.command-r')) return cohereChatFormat;
  if (id.includes('cohere.')) return cohereTextFormat;
  if (id.includes('meta.') || id.includes('mistral.') || id.includes('deepseek.')) return promptCompletionFormat;
  return chatCompletionsFormat;
}

function prepareInvoke(input: Json, target: Target, capture: boolean, streaming: boolean): Prepared {
  const modelId = stringOr(input.modelId) ?? '';
  const parsed = parseJsonBody(input.body);
  const body = isObject(parsed) ? parsed : {};
  const format = formatFor(modelId, isObject(parsed) ? parsed : undefined);
  const requestAttributes: Attributes = format.requestAttributes(body);
  const guardrail = stringOr(input.guardrailIdentifier);
  if (guardrail !== undefined) requestAttributes[ATTR_AWS_BEDROCK_GUARDRAIL_ID] = guardrail;
  const request: GenAiRequest = {
    provider: PROVIDER,
    operation: format.operation,
    requestModel: modelId,
    streaming,
    serverAddress: target.serverAddress,
    serverPort: target.serverPort,
    requestAttributes,
    estimateInputText: () =>
      format.inputText?.(body) ?? messagesText(format.inputMessages(body), format.systemInstructions?.(body)),
  };
  if (capture) {
    request.inputMessages = () => format.inputMessages(body);
    if (format.systemInstructions) request.systemInstructions = () => format.systemInstructions!(body);
  }
  const prepared: Prepared = {
    request,
    response(output, headers) {
      // The output body is a Uint8Array (the SDK's Uint8ArrayBlobAdapter): reading it does not consume it.
      const parsedOutput = parseJsonBody(output.body);
      const result = isObject(parsedOutput) ? format.response(parsedOutput) : {};
      return modelResponse(format, result, headerUsage(headers), capture);
    },
  };
  if (streaming) {
    prepared.streamKey = 'body';
    prepared.events = () => new InvokeStreamReader(format, format.stream(), capture);
  }
  return prepared;
}

/** The span's response from what the model said and what Bedrock counted (Bedrock's count wins). */
function modelResponse(
  format: BodyFormat,
  result: ModelResult,
  bedrock: BedrockUsage | undefined,
  capture: boolean,
): GenAiResponse {
  const usage = toTokenUsage(preferFirst(bedrock, result.usage));
  const response: GenAiResponse = { finishReasons: result.finishReasons ?? [], responseId: result.responseId, usage };
  const embeddings = format.operation === GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS;
  if (!embeddings && usage?.outputTokens === undefined && result.outputText) {
    response.estimateOutputText = result.outputText;
  }
  if (capture && result.outputMessages) response.outputMessages = result.outputMessages;
  return response;
}

/**
 * Reads the events of an InvokeModelWithResponseStream `body`: `{ chunk: { bytes } }`, each chunk's bytes one JSON
 * object of the model's streaming format. Bedrock adds `amazon-bedrock-invocationMetrics` (its own token counts) to
 * the last chunk. The bytes are decoded into a new string; the event the app gets is not touched.
 */
class InvokeStreamReader implements EventReader {
  private readonly format: BodyFormat;
  private readonly reader: ChunkReader;
  private readonly capture: boolean;
  private metrics: BedrockUsage | undefined;

  constructor(format: BodyFormat, reader: ChunkReader, capture: boolean) {
    this.format = format;
    this.reader = reader;
    this.capture = capture;
  }

  add(event: unknown): boolean {
    if (!isObject(event) || !isObject(event.chunk)) return false;
    const bytes = event.chunk.bytes;
    if (!ArrayBuffer.isView(bytes)) return false;
    let chunk: unknown;
    try {
      chunk = JSON.parse(decodeBytes(bytes));
    } catch {
      return true;
    }
    if (!isObject(chunk)) return true;
    const metrics = chunk['amazon-bedrock-invocationMetrics'];
    if (metrics !== undefined) this.metrics = invocationMetricsUsage(metrics);
    return this.reader.add(chunk);
  }

  response(): GenAiResponse {
    return modelResponse(this.format, this.reader.result(), this.metrics, this.capture);
  }
}

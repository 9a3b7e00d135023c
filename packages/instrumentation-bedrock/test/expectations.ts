/**
 * What each recorded Bedrock exchange says, read off the recordings by hand (stop reasons and ids from the decoded
 * bodies and event streams, request parameters from the request bodies), keyed by recording. A recording missing
 * here fails the replay test, so a new fixture is never replayed unchecked.
 */
export interface Recorded {
  /** `gen_ai.operation.name` under the conventions for this body format. */
  operation: 'chat' | 'text_completion' | 'embeddings';
  finishReasons?: string[];
  responseId?: string;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  /** Any other request or response attribute the span must carry. */
  attributes?: Record<string, unknown>;
}

export const RECORDED: Readonly<Record<string, Recorded>> = {
  // Converse with Titan Text Lite: body `stopReason`.
  converse: {
    operation: 'chat',
    finishReasons: ['max_tokens'],
    maxTokens: 10,
    temperature: 0.8,
    topP: 1,
    stopSequences: ['|'],
  },
  // ConverseStream: the `messageStop` event.
  'converse-stream': {
    operation: 'chat',
    finishReasons: ['max_tokens'],
    maxTokens: 10,
    temperature: 0.8,
    topP: 1,
    stopSequences: ['|'],
  },
  // InvokeModel, Titan Text Express body (`inputText`): `results[0].completionReason`.
  'invoke-model-does-not-currently-add-genai-conventions': {
    operation: 'text_completion',
    finishReasons: ['LENGTH'],
    maxTokens: 10,
    temperature: 0.8,
    topP: 1,
    stopSequences: ['|'],
  },
  // Nova `messages-v1` body: the `messageStop` chunk.
  'invoke-model-with-response-stream-amazon-nova': {
    operation: 'chat',
    finishReasons: ['max_tokens'],
    maxTokens: 10,
    temperature: 0.8,
    topP: 1,
    stopSequences: ['|'],
  },
  // Titan Text Lite: the chunk's `completionReason`.
  'invoke-model-with-response-stream-amazon-titan': {
    operation: 'text_completion',
    finishReasons: ['LENGTH'],
    maxTokens: 10,
    temperature: 0.8,
    topP: 1,
    stopSequences: ['|'],
  },
  // Claude Messages body: `message_delta.delta.stop_reason`, `message_start.message.id`.
  'invoke-model-with-response-stream-claude': {
    operation: 'chat',
    finishReasons: ['max_tokens'],
    responseId: 'msg_bdrk_01XT2XEQnNbdz91baTQTnbp1',
    maxTokens: 12,
    temperature: 0.8,
    topP: 1,
    topK: 250,
    stopSequences: ['|'],
  },
  // Cohere Command Light (`prompt`): `generations[0].finish_reason`, the response `id`.
  'invoke-model-with-response-stream-cohere-command': {
    operation: 'text_completion',
    finishReasons: ['MAX_TOKENS'],
    responseId: 'cdf4478d-13ae-486d-b1db-86055230b5a1',
    maxTokens: 10,
    temperature: 0.8,
    topP: 1,
    stopSequences: ['|'],
  },
  // Cohere Command R (`message`): the `stream-end` event's `finish_reason` and `response.response_id`.
  'invoke-model-with-response-stream-cohere-command-r': {
    operation: 'chat',
    finishReasons: ['MAX_TOKENS'],
    responseId: '379ed018/2f8f1c7b-281f-4fbe-a467-4b0e44cd0d31',
    maxTokens: 10,
    temperature: 0.8,
    topP: 0.99,
    stopSequences: ['|'],
  },
  // Mistral Small (`prompt`): the last chunk's `outputs[0].stop_reason`.
  'invoke-model-with-response-stream-mistral-ai': {
    operation: 'text_completion',
    finishReasons: ['length'],
    maxTokens: 20,
    temperature: 0.8,
    topP: 1,
    stopSequences: ['|'],
  },
};

/** The same for the synthetic exchanges in test/fixtures (built from the Bedrock API reference). */
export const SYNTHETIC: Readonly<Record<string, Recorded>> = {
  'converse-cache-tokens': { operation: 'chat', finishReasons: ['end_turn'], maxTokens: 256, temperature: 0.2 },
  'converse-stream-tool-use-cache-tokens': { operation: 'chat', finishReasons: ['tool_use'], maxTokens: 512 },
  'invoke-model-meta-llama': {
    operation: 'text_completion',
    finishReasons: ['stop'],
    maxTokens: 64,
    temperature: 0.5,
    topP: 0.9,
  },
  'invoke-model-with-response-stream-meta-llama': {
    operation: 'text_completion',
    finishReasons: ['stop'],
    maxTokens: 32,
    temperature: 0.1,
  },
  'invoke-model-claude-arn-cache': {
    operation: 'chat',
    finishReasons: ['end_turn'],
    responseId: 'msg_bdrk_01HkY2m3n4p5q6r7s8t9u0v1',
    maxTokens: 256,
  },
  'invoke-model-titan-embed': { operation: 'embeddings', attributes: { 'gen_ai.embeddings.dimension.count': 256 } },
  'invoke-model-cohere-embed': {
    operation: 'embeddings',
    responseId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    attributes: { 'gen_ai.request.encoding_formats': ['float'] },
  },
  'invoke-model-mistral-chat': { operation: 'chat', finishReasons: ['stop'], maxTokens: 100, temperature: 0.3 },
};

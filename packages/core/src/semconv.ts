/**
 * The GenAI semantic convention names llmtel emits, following **OpenTelemetry semantic conventions v1.41**
 * (https://github.com/open-telemetry/semantic-conventions/tree/v1.41.0/docs/gen-ai).
 *
 * These are copied here on purpose: the `incubating` entry point of `@opentelemetry/semantic-conventions` is not
 * stable and must not be imported at run time. One file so that every package (instrumentations, the usage
 * exporter, dashboards generated from code) agrees on the same strings; see shared/CONTRACT.md.
 */

export const SEMCONV_VERSION = '1.41.0';

// --- Span attributes: request ---
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** Deprecated in favour of gen_ai.provider.name; read (never written) so other SDKs' data can be mapped. */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_GEN_AI_REQUEST_TOP_K = 'gen_ai.request.top_k';
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = 'gen_ai.request.frequency_penalty';
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = 'gen_ai.request.presence_penalty';
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed';
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count';
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats';
export const ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type';

// --- Span attributes: response ---
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';

// --- Span attributes: usage ---
/** Total input tokens, **including** cached (read and written) tokens, as the conventions define it. */
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
/** Output tokens, including reasoning tokens. */
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';

// --- Span attributes: attribution ---
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ATTR_GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
export const ATTR_USER_ID = 'user.id';

// --- Span attributes: content (opt-in only) ---
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';

// --- General attributes ---
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';

// --- llmtel's own attributes ---
/** Cost of the call in USD (double). Absent when the model's price is unknown: never a made-up 0. */
export const ATTR_LLMTEL_USAGE_COST_USD = 'llmtel.usage.cost_usd';
/** True when the token counts were estimated locally because the provider reported none. */
export const ATTR_LLMTEL_USAGE_ESTIMATED = 'llmtel.usage.estimated';
/** True on the one span that owns a provider request's usage; wrappers (LangChain, AI SDK) must not repeat it. */
export const ATTR_LLMTEL_USAGE_BILLABLE = 'llmtel.usage.billable';
/** `true` on a call that ended because the app dropped its response (promise or stream) unread. */
export const ATTR_LLMTEL_RESPONSE_ABANDONED = 'llmtel.response.abandoned';
export const ATTR_LLMTEL_TENANT_ID = 'llmtel.tenant.id';

// --- Values ---
export const GEN_AI_OPERATION_NAME_VALUES = {
  CHAT: 'chat',
  TEXT_COMPLETION: 'text_completion',
  EMBEDDINGS: 'embeddings',
  GENERATE_CONTENT: 'generate_content',
  CREATE_AGENT: 'create_agent',
  INVOKE_AGENT: 'invoke_agent',
  EXECUTE_TOOL: 'execute_tool',
} as const;
export type GenAiOperationName = (typeof GEN_AI_OPERATION_NAME_VALUES)[keyof typeof GEN_AI_OPERATION_NAME_VALUES];

export const GEN_AI_PROVIDER_NAME_VALUES = {
  OPENAI: 'openai',
  AZURE_AI_OPENAI: 'azure.ai.openai',
  AZURE_AI_INFERENCE: 'azure.ai.inference',
  ANTHROPIC: 'anthropic',
  AWS_BEDROCK: 'aws.bedrock',
  GCP_GEMINI: 'gcp.gemini',
  GCP_VERTEX_AI: 'gcp.vertex_ai',
  GCP_GEN_AI: 'gcp.gen_ai',
  MISTRAL_AI: 'mistral_ai',
  COHERE: 'cohere',
  DEEPSEEK: 'deepseek',
  GROQ: 'groq',
  IBM_WATSONX_AI: 'ibm.watsonx.ai',
  PERPLEXITY: 'perplexity',
  X_AI: 'x_ai',
} as const;

export const GEN_AI_TOKEN_TYPE_VALUES = { INPUT: 'input', OUTPUT: 'output' } as const;

/** The `error.type` value for errors that have no better classification, per the general conventions. */
export const ERROR_TYPE_VALUE_OTHER = '_OTHER';

// --- Metrics ---
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK = 'gen_ai.client.operation.time_per_output_chunk';
/**
 * Monotonic USD cost counter. Its unit is the annotation `{USD}`, which Prometheus translation drops, so the
 * scraped name reads `llmtel_client_cost_usd_total` (CONTRACT.md).
 */
export const METRIC_LLMTEL_CLIENT_COST_USD = 'llmtel.client.cost_usd';
export const METRIC_LLMTEL_CLIENT_COST_USD_UNIT = '{USD}';

/** Bucket boundaries the conventions recommend for gen_ai.client.token.usage. */
export const TOKEN_USAGE_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** Bucket boundaries the conventions recommend for gen_ai.client.operation.duration (seconds). */
export const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/** Bucket boundaries the conventions recommend for time_to_first_chunk (seconds). */
export const TIME_TO_FIRST_CHUNK_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/** Bucket boundaries the conventions recommend for time_per_output_chunk (seconds). */
export const TIME_PER_OUTPUT_CHUNK_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];

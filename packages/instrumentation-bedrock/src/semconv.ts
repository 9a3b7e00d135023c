import { GEN_AI_PROVIDER_NAME_VALUES } from '@llmtel/core';

/** `gen_ai.provider.name` of every Bedrock Runtime call, whichever model serves it. */
export const PROVIDER = GEN_AI_PROVIDER_NAME_VALUES.AWS_BEDROCK;

// Attributes of the semantic conventions' registry (v1.41) that @llmtel/core does not define.
/** The guardrail a request was checked against (`guardrailIdentifier`). */
export const ATTR_AWS_BEDROCK_GUARDRAIL_ID = 'aws.bedrock.guardrail.id';
/** The AWS request id of the answer the call's result came from (`x-amzn-requestid`). */
export const ATTR_AWS_REQUEST_ID = 'aws.request_id';
/** How many times the SDK resent the request (its retries), when it did. */
export const ATTR_HTTP_REQUEST_RESEND_COUNT = 'http.request.resend_count';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count';

/**
 * Span event added for each attempt of a call that failed and was retried by the SDK (a throttle, a 5xx, an expired
 * signature after clock-skew correction). The span still ends once, with the outcome of the last attempt.
 */
export const EVENT_RETRY = 'llmtel.retry';
/** 1-based number of the attempt that failed (on {@link EVENT_RETRY}). */
export const ATTR_LLMTEL_RETRY_ATTEMPT = 'llmtel.retry.attempt';

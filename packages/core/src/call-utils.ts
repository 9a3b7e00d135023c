import { randomBytes } from 'node:crypto';
import type { Span } from '@opentelemetry/api';
import { estimateTokens } from './estimate.js';
import type { GenAiRequest, GenAiResponse } from './telemetry-types.js';
import type { TokenUsage } from './types.js';

/**
 * The call's idempotency id. A span that is not recording may carry its parent's ids (the API's no-op tracer does
 * that), which many calls would share: those calls get a random id of the same shape instead.
 */
export function callIdOf(span: Span): string {
  if (span.isRecording()) {
    const { traceId, spanId } = span.spanContext();
    return `${traceId}-${spanId}`;
  }
  return `${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}`;
}

/** `usage` with the counts the provider did not report estimated from the call's text, flagged `estimated`. */
export async function estimateUsage(
  request: GenAiRequest,
  response: GenAiResponse,
  usage: TokenUsage,
): Promise<TokenUsage> {
  const model = response.responseModel ?? request.requestModel;
  const estimated: TokenUsage = { ...usage, estimated: true };
  if (usage.inputTokens === undefined && request.estimateInputText) {
    estimated.inputTokens = await estimateTokens(model, request.estimateInputText());
  }
  if (usage.outputTokens === undefined && response.estimateOutputText) {
    estimated.outputTokens = await estimateTokens(model, response.estimateOutputText());
  }
  return estimated;
}

import type { Attributes } from '@opentelemetry/api';
import * as sc from './semconv.js';
import type { LlmAttribution, TokenUsage } from './types.js';

/** Writes attribution onto span attributes (never onto metric attributes: user ids are unbounded). */
export function attributionAttributes(attribution: LlmAttribution, into: Attributes): Attributes {
  if (attribution.attributes) Object.assign(into, attribution.attributes);
  if (attribution.userId !== undefined) into[sc.ATTR_USER_ID] = attribution.userId;
  if (attribution.sessionId !== undefined) into[sc.ATTR_GEN_AI_CONVERSATION_ID] = attribution.sessionId;
  if (attribution.agentName !== undefined) into[sc.ATTR_GEN_AI_AGENT_NAME] = attribution.agentName;
  if (attribution.tenantId !== undefined) into[sc.ATTR_LLMTEL_TENANT_ID] = attribution.tenantId;
  return into;
}

/** Writes the `gen_ai.usage.*` attributes and `llmtel.usage.estimated` for the counts that are known. */
export function usageAttributes(usage: TokenUsage, into: Attributes): Attributes {
  if (usage.inputTokens !== undefined) into[sc.ATTR_GEN_AI_USAGE_INPUT_TOKENS] = usage.inputTokens;
  if (usage.outputTokens !== undefined) into[sc.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = usage.outputTokens;
  if (usage.cacheReadInputTokens !== undefined) {
    into[sc.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = usage.cacheReadInputTokens;
  }
  if (usage.cacheCreationInputTokens !== undefined) {
    into[sc.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = usage.cacheCreationInputTokens;
  }
  if (usage.reasoningOutputTokens !== undefined) {
    into[sc.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = usage.reasoningOutputTokens;
  }
  into[sc.ATTR_LLMTEL_USAGE_ESTIMATED] = usage.estimated === true;
  return into;
}

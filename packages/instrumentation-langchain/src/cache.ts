import { diag } from '@opentelemetry/api';
import type { GenAiCall, GenAiResponse } from '@llmtel/core';
import type { Json, RunManagerLike } from './internal-types.js';
import type { RunRegistry } from './runs.js';

/**
 * `true` on a model span whose response LangChain served from the model's cache (`cache: true` or a `BaseCache`),
 * `false` on one whose cache was consulted and missed (the provider was called); absent when the model has no cache.
 */
export const ATTR_LLMTEL_CACHE_HIT = 'llmtel.cache.hit';

/**
 * LangChain ends a run it answered from its cache with `handleLLMEnd(..., { cached: true })` (and a failed cache
 * lookup with `handleLLMError(..., { cached: true })`), without calling the model: no provider request was made.
 */
export function servedFromCache(extraParams: Json | undefined): boolean {
  return extraParams?.cached === true;
}

/**
 * Marks the runs LangChain hands to `_generateUncached` after a cache lookup (its `startedRunManagers`): the
 * prompts the cache missed, which are now sent to the provider.
 */
export function markCacheMisses(runs: RunRegistry, startedRunManagers: unknown): void {
  if (!Array.isArray(startedRunManagers)) return;
  try {
    for (const manager of startedRunManagers as (RunManagerLike | undefined)[]) {
      runs.get(manager?.runId)?.call?.span.setAttribute(ATTR_LLMTEL_CACHE_HIT, false);
    }
  } catch (error) {
    diag.debug('llmtel langchain: could not mark cache misses', error);
  }
}

/**
 * Ends the GenAI call of a run that made no provider request. The span stays, for the trace's sake (the step, its
 * output when content capture is on), but core's `noProviderRequest` makes it non-billable, without usage, cost or
 * metrics: LangChain reports zero tokens for a cache hit, which is not a measurement, and a request counted here
 * (in the usage store, the request rate or the latency percentiles) would be one the provider never saw.
 */
export function endWithoutRequest(call: GenAiCall, response: GenAiResponse): void {
  call.end({ ...response, noProviderRequest: true });
}

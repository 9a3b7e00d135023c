import type { NativeSpanClaim } from './native-spans.js';
import type { StreamCompletion } from './sdk/stream.js';
import type { GenAiResponse } from './telemetry-types.js';
import type { GenAiCall } from './telemetry.js';

/**
 * The end of one call started through a `NativeSpanClaim`: what an instrumentation of an SDK that may trace itself
 * hands to the result and stream observers in place of the call. Ending goes through the claim, which waits for the
 * SDK's own span, if any (see `NativeSpanClaim.settle`).
 */
export class ClaimedCompletion implements StreamCompletion {
  private readonly call: GenAiCall;
  private readonly claim: NativeSpanClaim;

  constructor(call: GenAiCall, claim: NativeSpanClaim) {
    this.call = call;
    this.claim = claim;
  }

  get ended(): boolean {
    return this.claim.settled;
  }

  recordChunk(): void {
    this.call.recordChunk();
  }

  end(response?: GenAiResponse, endedAt?: number): void {
    this.claim.settle(() => this.call.end(response, endedAt));
  }

  fail(error: unknown, partial?: GenAiResponse): void {
    this.claim.settle(() => this.call.fail(error, partial));
  }
}

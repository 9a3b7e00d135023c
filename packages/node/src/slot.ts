import type { SdkSlot } from './internal-types.js';

/**
 * One SDK per process: the ESM and CJS builds of this package are separate module instances, so the running SDK
 * lives on a global symbol both can see. No imports here: the ESM loader hook reads it without loading the SDK.
 */
const SLOT_KEY = Symbol.for('llmtel.node.sdk');

export function sdkSlot(): SdkSlot {
  const holder = globalThis as unknown as Record<symbol, SdkSlot | undefined>;
  return (holder[SLOT_KEY] ??= {});
}

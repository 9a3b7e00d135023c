// The seed project's Redis handlers on @llmtel/core's callback API, for apps that record usage straight to Redis
// without a collector. They write through the same record script as the usage exporter (same record id), so an app
// that does both still counts every call once.
import {
  CompositeCallbackHandler,
  estimateTokens,
  type CompositeCallbackHandlerOptions,
  type GenAiMessage,
  type LlmCallbackHandler,
  type LlmEndEvent,
  type LlmErrorEvent,
} from '@llmtel/core';
import { activeReservation } from './budget.js';
import { RecordBuffer } from './buffer.js';
import { usageRecordFromLlmEvent } from './span.js';
import { type UsageStore } from './store.js';
import { type UsageRecord } from './types.js';

/** A handler of this package: always async, so callers can await the write. */
export interface UsageCallbackHandler extends LlmCallbackHandler {
  readonly name: string;
  /** Records a billable call; resolves once it is applied (or found to be a duplicate). */
  onLlmEnd(event: LlmEndEvent): Promise<void>;
  /** Records a failed call as an error request, with whatever usage it reported before failing. */
  onLlmError(event: LlmErrorEvent): Promise<void>;
}

/** Options of {@link createDetailedTokenCallback}. */
export interface DetailedTokenCallbackOptions {
  /** Count every call for this user, whatever the call's attribution says. Default: the call's `user.id`. */
  userId?: string;
  /** Sets the user's billing cycle start date (see {@link UsageStore.setUserCycleStart}) before the first record. */
  cycleStartDate?: Date | string;
  /**
   * When the provider reported no token counts, estimate them from the captured messages with the model family's
   * tokenizer (needs message content capture; the record is flagged estimated). Default true.
   */
  estimate?: boolean;
}

/**
 * A handler that counts the tokens of every billable LLM call to `store`: requests, errors, input/output (and
 * cache/reasoning) tokens and cost as reported. Records of calls made close together are sent in one script call.
 *
 * @param userId count every call for this user; default: each call's attributed `user.id` (else anonymous).
 * @param cycleStartDate sets that user's billing cycle start date before the first record.
 */
export function createTokenCallback(
  store: UsageStore,
  userId?: string,
  cycleStartDate?: Date | string,
): UsageCallbackHandler {
  return new StoreCallback('llmtel-usage-tokens', store, { userId, cycleStartDate, estimate: false });
}

/**
 * Like {@link createTokenCallback}, and when the provider reported no usage, estimates input and output tokens from
 * the call's captured messages (flagged `estimated`).
 */
export function createDetailedTokenCallback(
  store: UsageStore,
  options: DetailedTokenCallbackOptions = {},
): UsageCallbackHandler {
  return new StoreCallback('llmtel-usage-detailed', store, { estimate: true, ...options });
}

/**
 * Fans every event out to `handlers`, each isolated (a throw, rejection or timeout is logged, never propagated) and
 * bounded by `timeoutMs`: @llmtel/core's `CompositeCallbackHandler`.
 */
export function createCompositeCallback(
  handlers: readonly LlmCallbackHandler[],
  options: CompositeCallbackHandlerOptions = {},
): CompositeCallbackHandler {
  return new CompositeCallbackHandler(handlers, options);
}

class StoreCallback implements UsageCallbackHandler {
  readonly name: string;
  private readonly store: UsageStore;
  private readonly options: DetailedTokenCallbackOptions;
  private readonly buffer: RecordBuffer;
  private cycleSet: Promise<void> | undefined;

  constructor(name: string, store: UsageStore, options: DetailedTokenCallbackOptions) {
    this.name = name;
    this.store = store;
    this.options = options;
    this.buffer = RecordBuffer.for(store);
  }

  async onLlmEnd(event: LlmEndEvent): Promise<void> {
    if (!event.billable) return;
    const record = usageRecordFromLlmEvent(event);
    const reported = event.usage.inputTokens !== undefined || event.usage.outputTokens !== undefined;
    if (!reported && this.options.estimate) await this.estimateInto(record, event);
    await this.write(record);
  }

  async onLlmError(event: LlmErrorEvent): Promise<void> {
    // A wrapper's error event repeats the failure of the request under it (`billable: false`): count it once.
    if (event.billable === false) return;
    await this.write(usageRecordFromLlmEvent(event));
  }

  private async write(record: UsageRecord): Promise<void> {
    if (this.options.userId) record.userId = this.options.userId;
    if (this.options.cycleStartDate !== undefined) {
      this.cycleSet ??= this.store.setUserCycleStart(this.store.userOf(record), this.options.cycleStartDate);
      await this.cycleSet;
    }
    const reservation = activeReservation();
    if (reservation && !reservation.settled && reservation.userId === this.store.userOf(record)) {
      await reservation.commit(record);
      return;
    }
    await this.buffer.add({ record });
  }

  private async estimateInto(record: UsageRecord, event: LlmEndEvent): Promise<void> {
    const model = event.responseModel ?? event.requestModel;
    const input = messagesText(event.inputMessages);
    const output = messagesText(event.outputMessages);
    if (input === undefined && output === undefined) return;
    const [inTokens, outTokens] = await Promise.all([
      estimateTokens(model, input ?? ''),
      estimateTokens(model, output ?? ''),
    ]);
    record.inputTokens = inTokens;
    record.outputTokens = outTokens;
    record.estimated = true;
  }
}

function messagesText(messages: GenAiMessage[] | undefined): string | undefined {
  if (!messages || messages.length === 0) return undefined;
  const parts: string[] = [];
  for (const m of messages) {
    for (const p of m.parts) {
      if ((p.type === 'text' || p.type === 'reasoning') && typeof p.content === 'string') parts.push(p.content);
      else if (p.type === 'tool_call') parts.push(JSON.stringify(p.arguments ?? ''));
    }
  }
  return parts.join('\n');
}

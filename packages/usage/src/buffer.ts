// Coalesces records written in the same turn of the event loop into one recordBatch call, so in-process handlers
// pay one script call per burst of LLM calls rather than one per call.
import { type RecordEntry } from './internal-types.js';
import { APPLY_ENTRIES, type UsageStore } from './store.js';

interface Pending {
  entry: RecordEntry;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const buffers = new WeakMap<UsageStore, RecordBuffer>();

export class RecordBuffer {
  private readonly store: UsageStore;
  private queue: Pending[] = [];
  private scheduled = false;

  private constructor(store: UsageStore) {
    this.store = store;
  }

  static for(store: UsageStore): RecordBuffer {
    let buffer = buffers.get(store);
    if (!buffer) buffers.set(store, (buffer = new RecordBuffer(store)));
    return buffer;
  }

  /** Resolves once the record is applied (or found to be a duplicate); rejects when its batch failed. */
  add(entry: RecordEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (this.queue.length >= this.store.options.maxBatchSize) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.store[APPLY_ENTRIES](batch.map((p) => p.entry)).then(
      () => batch.forEach((p) => p.resolve()),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
  }
}

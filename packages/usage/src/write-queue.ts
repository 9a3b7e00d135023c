// Sends records to the record script per hash slot, at most two calls in flight per slot; whatever callers submit
// for the slot meanwhile goes out together in the next call. Concurrent batches (several OTLP requests at once,
// bursts of in-process calls) then share one script call, whose cost in Redis is mostly per user, not per record.
// Each caller still learns which of its own records were applied.
import { type RecordEntry } from './internal-types.js';

/** Applies entries (all of one slot) in one or more script calls; resolves with the indices of the duplicates. */
export type ScriptRunner = (entries: readonly RecordEntry[]) => Promise<ReadonlySet<number>>;

interface Waiter {
  entries: readonly RecordEntry[];
  resolve(result: [applied: number, duplicates: number]): void;
  reject(err: unknown): void;
}

/** Calls in flight per slot: with two, Redis runs one while the next is being encoded (measured: best of 1-3). */
const MAX_IN_FLIGHT = 2;

export class WriteQueue {
  private readonly run: ScriptRunner;
  private readonly maxBatchSize: number;
  /** Per slot with a call in flight: the callers waiting, and the calls in flight. */
  private readonly slots = new Map<number, { queue: Waiter[]; inflight: number }>();

  constructor(run: ScriptRunner, maxBatchSize: number) {
    this.run = run;
    this.maxBatchSize = maxBatchSize;
  }

  /** Resolves with how many of `entries` were applied and how many were duplicates. */
  submit(slot: number, entries: readonly RecordEntry[]): Promise<[number, number]> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { entries, resolve, reject };
      let state = this.slots.get(slot);
      if (!state) this.slots.set(slot, (state = { queue: [], inflight: 0 }));
      if (state.inflight >= MAX_IN_FLIGHT) {
        state.queue.push(waiter);
        return;
      }
      state.inflight++;
      this.send(slot, [waiter]);
    });
  }

  private send(slot: number, batch: Waiter[]): void {
    const all = batch.length === 1 ? batch[0]!.entries : batch.flatMap((w) => w.entries);
    this.runChunks(all)
      .then(
        (duplicates) => {
          let offset = 0;
          for (const w of batch) {
            let d = 0;
            for (let i = offset; i < offset + w.entries.length; i++) if (duplicates.has(i)) d++;
            w.resolve([w.entries.length - d, d]);
            offset += w.entries.length;
          }
        },
        (err: unknown) => {
          for (const w of batch) w.reject(err);
        },
      )
      .finally(() => this.next(slot));
  }

  /** Sends what queued up for the slot meanwhile: whole callers, as many as fit in one call (at least one). */
  private next(slot: number): void {
    const state = this.slots.get(slot)!;
    const queue = state.queue;
    if (queue.length === 0) {
      if (--state.inflight === 0) this.slots.delete(slot);
      return;
    }
    let size = 0;
    let take = 0;
    while (take < queue.length && (take === 0 || size + queue[take]!.entries.length <= this.maxBatchSize)) {
      size += queue[take]!.entries.length;
      take++;
    }
    this.send(slot, queue.splice(0, take));
  }

  /** Entries beyond `maxBatchSize` go in several calls, in parallel. */
  private async runChunks(entries: readonly RecordEntry[]): Promise<ReadonlySet<number>> {
    const max = this.maxBatchSize;
    if (entries.length <= max) return this.run(entries);
    const chunks: Promise<ReadonlySet<number>>[] = [];
    for (let i = 0; i < entries.length; i += max) chunks.push(this.run(entries.slice(i, i + max)));
    const duplicates = new Set<number>();
    (await Promise.all(chunks)).forEach((d, c) => d.forEach((i) => duplicates.add(c * max + i)));
    return duplicates;
  }
}

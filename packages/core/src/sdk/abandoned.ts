import { diag } from '@opentelemetry/api';
import { ATTR_LLMTEL_RESPONSE_ABANDONED } from '../semconv.js';
import type { GenAiResponse } from '../telemetry-types.js';

/**
 * An SDK object the app drops unread (an `APIPromise` never awaited, a `Stream` never iterated) would leave its span
 * open for ever: nothing else ends it, since the app may legitimately read it at any later time. Once the object
 * is garbage-collected nobody can read it any more, so a `FinalizationRegistry` on the SDK's own object ends the
 * call then. A timeout could not tell a dropped stream from a slow consumer; a collected object is certain.
 * Finalizers are best-effort (a process that exits first never runs them), which only loses what was lost anyway.
 * https://tc39.es/ecma262/#sec-finalization-registry-objects
 */

/**
 * Held by the registry for one watched SDK object. It must not reference that object (directly or through what it
 * holds), or the object would never be collected.
 */
export interface AbandonWatch {
  /** The watched object was collected. Called at most once, from a finalizer task: must not throw. */
  collected(): void;
}

interface Abandonment {
  registry: FinalizationRegistry<AbandonWatch>;
  /** Child object → the watched object it was derived from: the watched one lives as long as any child. */
  parents: WeakMap<object, object>;
}

// Process-wide (the ESM and CJS copies share it), so the callback only calls the watch's own method.
const ABANDONMENT = Symbol.for('llmtel.sdk.abandonment');

function abandonment(): Abandonment {
  const g = globalThis as { [ABANDONMENT]?: Abandonment };
  return (g[ABANDONMENT] ??= {
    registry: new FinalizationRegistry<AbandonWatch>((watch) => {
      try {
        watch.collected();
      } catch (err) {
        // An error thrown from a cleanup callback would reach the app as an uncaught exception.
        diag.debug('llmtel: could not end a dropped call', err);
      }
    }),
    parents: new WeakMap(),
  });
}

const shared = abandonment();

/** Calls `watch.collected()` once `target` is garbage-collected, unless `unwatch(watch)` was called first. */
export function watch(target: object, held: AbandonWatch): void {
  try {
    shared.registry.register(target, held, held);
  } catch (err) {
    diag.debug('llmtel: could not watch an SDK object for abandonment', err);
  }
}

export function unwatch(held: AbandonWatch): void {
  shared.registry.unregister(held);
}

/** Keeps `parent` alive at least as long as `child` (an SDK object derived from a watched one). */
export function keepAliveWith(child: object, parent: object): void {
  try {
    shared.parents.set(child, parent);
  } catch (err) {
    diag.debug('llmtel: could not tie an SDK object to its parent', err);
  }
}

/** `response` with the abandonment attribute added (a copy: the accumulator's own object is left alone). */
export function abandonedResponse(response: GenAiResponse = {}): GenAiResponse {
  return { ...response, attributes: { ...response.attributes, [ATTR_LLMTEL_RESPONSE_ABANDONED]: true } };
}

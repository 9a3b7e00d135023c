import {
  isObject,
  observeAsyncIterable,
  StreamEventObserver,
  type GenAiCall,
  type StreamEventAccumulator,
} from '@llmtel/core';
import { telemetryError } from './errors.js';

/**
 * Makes the SDK's `Stream` (`core.Stream`, an async iterable over the parsed events) report to `call`, without
 * replacing it (see `observeAsyncIterable`): the first iteration ends the call when the stream is done and when the
 * app stops early; a later one (the SDK reads its response body once) passes through untouched.
 *
 * @returns false when the value does not look like an SDK stream (nothing was changed)
 */
export function observeStream(stream: unknown, call: GenAiCall, accumulator: StreamEventAccumulator): boolean {
  if (!isObject(stream)) return false;
  return observeAsyncIterable(stream, new StreamEventObserver(call, accumulator, 'cohere', telemetryError));
}

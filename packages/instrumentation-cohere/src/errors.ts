/**
 * The error as the span should classify it. The SDK's `CohereError`s keep the HTTP status in `statusCode` (Cohere's
 * error bodies, `{ id, message }`, have no machine-readable type), so the recorder gets a view of the same error with
 * `status` set and `error.type` becomes the status (`404`), as the conventions ask when there is no provider code.
 * The app's error object is never changed.
 */
export function telemetryError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const own = error as Error & { status?: unknown; statusCode?: unknown };
  if (own.status !== undefined || typeof own.statusCode !== 'number') return error;
  return Object.create(error, { status: { value: own.statusCode, enumerable: true } }) as Error;
}

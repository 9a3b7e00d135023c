import { isObject } from './utils.js';

/** SDK v1 before `ApiError` (`ClientError` / `ServerError`) kept the HTTP status only in the message. */
const STATUS_IN_MESSAGE = /^got status: (\d{3}) /;

/**
 * The error as the span should classify it. SDK versions that throw `ApiError` carry `status`, which gives
 * `error.type` its HTTP status; older v1 errors carry it only in their message (`got status: 404 Not Found. {...}`),
 * so a view of the same error with `status` set is handed to the recorder instead. The app's error is never changed.
 */
export function telemetryError(error: unknown): unknown {
  if (!(error instanceof Error) || (isObject(error) && typeof (error as { status?: unknown }).status === 'number')) {
    return error;
  }
  const match = STATUS_IN_MESSAGE.exec(error.message);
  if (match === null) return error;
  return Object.create(error, { status: { value: Number(match[1]), enumerable: true } }) as Error;
}

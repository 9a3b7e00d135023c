import type { BudgetLimits } from '@llmtel/usage';
import { HttpError } from './http/body.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO 8601 date (`2026-05-01`, UTC midnight) or date-time with zone; null/empty is undefined. */
export function parseIsoDate(raw: string | null | undefined): Date | undefined | null {
  if (raw === null || raw === undefined || raw === '') return undefined;
  if (!DATE_ONLY.test(raw) && !ISO_DATE_TIME.test(raw)) return null;
  const d = new Date(DATE_ONLY.test(raw) ? `${raw}T00:00:00Z` : raw);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function parseDateParam(raw: string | null, name: string): Date | undefined {
  const d = parseIsoDate(raw);
  if (d === null) throw new HttpError(400, `${name} must be an ISO 8601 date (2026-05-01) or date-time with zone`);
  return d;
}

/** `{ "tokens": N, "cost_usd": X }`: each optional, non-negative; at least one. */
export function parseLimitsBody(text: string): BudgetLimits {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'limits body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'limits body must be an object like {"tokens": 1000000, "cost_usd": 50}');
  }
  const { tokens, cost_usd: cost, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new HttpError(400, `unknown limits field(s): ${unknown.join(', ')}`);
  const limits: BudgetLimits = {};
  if (tokens !== undefined && tokens !== null) {
    if (typeof tokens !== 'number' || !Number.isSafeInteger(tokens) || tokens < 0) {
      throw new HttpError(400, 'tokens must be a non-negative integer');
    }
    limits.tokens = tokens;
  }
  if (cost !== undefined && cost !== null) {
    if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) {
      throw new HttpError(400, 'cost_usd must be a non-negative number');
    }
    limits.costUsd = cost;
  }
  if (limits.tokens === undefined && limits.costUsd === undefined) {
    throw new HttpError(400, 'set at least one of tokens, cost_usd');
  }
  return limits;
}

/** True for a W3C trace id (32 hex digits) that is not all zeros. */
export function isValidTraceId(id: string): boolean {
  return id.length === 32 && /^[0-9a-f]{32}$/.test(id) && id !== '00000000000000000000000000000000';
}

/** True for a W3C span id (16 hex digits) that is not all zeros. */
export function isValidSpanId(id: string): boolean {
  return id.length === 16 && /^[0-9a-f]{16}$/.test(id) && id !== '0000000000000000';
}

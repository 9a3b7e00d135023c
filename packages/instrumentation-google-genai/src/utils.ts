export type Json = Record<string, unknown>;

/**
 * The model id of a request, without the resource prefix the SDK accepts (`models/gemini-2.5-flash`,
 * `publishers/google/models/gemini-2.5-flash`, `projects/p/locations/l/publishers/google/models/gemini-2.5-flash`
 * all name `gemini-2.5-flash`), so that span names and metric series do not split by spelling. Tuned models and
 * endpoints (`tunedModels/123`, `projects/p/locations/l/endpoints/123`) are kept whole: they have no shorter name.
 */
export function requestModelOf(model: unknown): string {
  if (typeof model !== 'string') return '';
  const i = model.lastIndexOf('models/');
  if (i === -1 || (i > 0 && model[i - 1] !== '/')) return model;
  return model.slice(i + 'models/'.length);
}

/**
 * A Gemini finish reason as the conventions' lower-case value (`STOP` → `stop`, `MAX_TOKENS` → `max_tokens`), the
 * same spelling OpenTelemetry's Python instrumentation of this SDK uses; `FINISH_REASON_UNSPECIFIED` →
 * `unspecified`.
 */
export function finishReasonOf(reason: unknown): string | undefined {
  if (typeof reason !== 'string' || reason === '') return undefined;
  const lower = reason.toLowerCase();
  return lower.startsWith('finish_reason_') ? lower.slice('finish_reason_'.length) : lower;
}

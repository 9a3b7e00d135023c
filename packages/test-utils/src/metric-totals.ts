import type { MetricData } from '@opentelemetry/sdk-metrics';
import { pointsWhere } from './otel-test-setup.js';

/** How many values a histogram recorded, and their sum. */
export interface HistogramTotals {
  count: number;
  sum: number;
}

/** Token usage totals by `gen_ai.token.type`. */
export interface TokenUsageTotals {
  input: HistogramTotals;
  output: HistogramTotals;
}

/** The totals over the data points of a histogram (or of one across scopes) whose attributes include all of `attrs`. */
export function histogramTotals(
  metric: MetricData | readonly MetricData[] | undefined,
  attrs: Record<string, unknown>,
): HistogramTotals {
  return pointsWhere<HistogramTotals>(metric, attrs).reduce(
    (t, p) => ({ count: t.count + p.value.count, sum: t.sum + p.value.sum }),
    { count: 0, sum: 0 },
  );
}

/**
 * What `action` adds to the `gen_ai.client.token.usage` points whose attributes include all of `attrs`, per token
 * type: the totals after it less the totals before it (the test meter provider's metrics are cumulative).
 */
export async function tokenUsageAdded(
  metrics: () => Promise<Map<string, MetricData>>,
  attrs: Record<string, unknown>,
  action: () => Promise<unknown>,
): Promise<TokenUsageTotals> {
  const totals = async (): Promise<TokenUsageTotals> => {
    const tokens = (await metrics()).get('gen_ai.client.token.usage');
    return {
      input: histogramTotals(tokens, { ...attrs, 'gen_ai.token.type': 'input' }),
      output: histogramTotals(tokens, { ...attrs, 'gen_ai.token.type': 'output' }),
    };
  };
  const before = await totals();
  await action();
  const after = await totals();
  const less = (a: HistogramTotals, b: HistogramTotals) => ({ count: a.count - b.count, sum: a.sum - b.sum });
  return { input: less(after.input, before.input), output: less(after.output, before.output) };
}

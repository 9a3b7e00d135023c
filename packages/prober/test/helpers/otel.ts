import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

export { createTestOtel, dataPoints } from '@llmtel/test-utils';

/** The metric descriptor by name, if exported. */
export function descriptor(rm: ResourceMetrics, name: string) {
  return rm.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name)?.descriptor;
}

// Names and small helpers shared by the orchestrator, the worker and the fake server.

export const BENCH_MODEL = 'gpt-4o-mini';
export const ANTHROPIC_MODEL = 'claude-sonnet-4-20250514';
export const STREAM_CHUNKS = 100;
/** role chunk + one per content piece + finish_reason chunk + usage chunk */
export const STREAM_EVENTS = STREAM_CHUNKS + 3;
/**
 * message_start, content_block_start, one content_block_delta per piece, content_block_stop, message_delta,
 * message_stop (the server also sends a `ping`, which the SDK does not yield)
 */
export const ANTHROPIC_STREAM_EVENTS = STREAM_CHUNKS + 5;
export const CONCURRENCY = 32;

/**
 * `none` first: every instrumented configuration is measured against it. `floor` is not an instrumentation: it is
 * the OpenTelemetry SDK's own cost for llmtel's span and metric points with nothing around it (see floor.mjs).
 */
export const CONFIGS = ['none', 'llmtel', 'floor', 'otel', 'traceloop', 'arize'];
export const PEERS = ['otel', 'traceloop', 'arize'];
export const SCENARIOS = ['plain', 'stream', 'concurrent', 'anthropic-plain', 'anthropic-stream'];

/** The instrumentation each configuration enables, by the SDK a scenario calls. */
export const CONFIG_PACKAGES = {
  openai: {
    llmtel: '@llmtel/instrumentation-openai',
    otel: '@opentelemetry/instrumentation-openai',
    traceloop: '@traceloop/instrumentation-openai',
    arize: '@arizeai/openinference-instrumentation-openai',
  },
  anthropic: {
    llmtel: '@llmtel/instrumentation-anthropic',
    traceloop: '@traceloop/instrumentation-anthropic',
    arize: '@arizeai/openinference-instrumentation-anthropic',
  },
};

/** `anthropic-*` scenarios call @anthropic-ai/sdk; the others (and `heap`) call openai. */
export const providerOf = (scenario) => (scenario.startsWith('anthropic-') ? 'anthropic' : 'openai');

/** The configurations that exist for a scenario's SDK (there is no `otel` Anthropic instrumentation). */
export const configsFor = (scenario) =>
  CONFIGS.filter((c) => c === 'none' || c === 'floor' || c in CONFIG_PACKAGES[providerOf(scenario)]);

export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Least-squares slope of ys against xs. */
export function slope(xs, ys) {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

/** `--name value` and bare `--flag` arguments. */
export function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument: ${arg}`);
    const name = arg.slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[name] = true;
    else {
      out[name] = next;
      i++;
    }
  }
  return out;
}

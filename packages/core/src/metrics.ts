import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import {
  DURATION_BUCKETS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_LLMTEL_CLIENT_COST_USD,
  METRIC_LLMTEL_CLIENT_COST_USD_UNIT,
  TIME_PER_OUTPUT_CHUNK_BUCKETS,
  TIME_TO_FIRST_CHUNK_BUCKETS,
  TOKEN_USAGE_BUCKETS,
} from './semconv.js';

/** The instruments every GenAI call records to, created once per Meter. */
export interface GenAiInstruments {
  tokenUsage: Histogram;
  duration: Histogram;
  timeToFirstChunk: Histogram;
  timePerOutputChunk: Histogram;
  costUsd: Counter;
}

const byMeter = new WeakMap<Meter, GenAiInstruments>();

export function genAiInstruments(meter: Meter): GenAiInstruments {
  let instruments = byMeter.get(meter);
  if (!instruments) {
    instruments = createInstruments(meter);
    byMeter.set(meter, instruments);
  }
  return instruments;
}

function createInstruments(meter: Meter): GenAiInstruments {
  return {
    tokenUsage: meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Number of input and output tokens used.',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_USAGE_BUCKETS },
    }),
    duration: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      description: 'GenAI operation duration.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    timeToFirstChunk: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, {
      description: 'Time to receive the first chunk from a streamed response.',
      unit: 's',
      advice: { explicitBucketBoundaries: TIME_TO_FIRST_CHUNK_BUCKETS },
    }),
    timePerOutputChunk: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK, {
      description: 'Time per output chunk after the first one, for streamed responses.',
      unit: 's',
      advice: { explicitBucketBoundaries: TIME_PER_OUTPUT_CHUNK_BUCKETS },
    }),
    costUsd: meter.createCounter(METRIC_LLMTEL_CLIENT_COST_USD, {
      description: 'Cost of GenAI calls in US dollars, from the llmtel pricing table (unknown prices not counted).',
      unit: METRIC_LLMTEL_CLIENT_COST_USD_UNIT,
    }),
  };
}

import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
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
  /** The attribute sets already recorded to, by series (see {@link metricAttributes}). */
  series: SeriesCache;
}

/** request model → response model → the series of those models (usually one). */
interface SeriesCache {
  models: Map<string, Map<string, MetricSeries[]>>;
  size: number;
}

/** The attributes of one metric series: shared by every call of that series, never changed after creation. */
export interface MetricSeries {
  readonly key: MetricSeriesKey;
  readonly base: Attributes;
  readonly input: Attributes;
  readonly output: Attributes;
}

/** The bounded attributes a GenAI metric point carries (never a user id: those are unbounded). */
export interface MetricSeriesKey {
  operation: string;
  provider: string;
  requestModel?: string;
  responseModel?: string;
  serverAddress?: string;
  serverPort?: number;
  errorType?: string;
}

/**
 * Distinct series kept before the cache starts over. Models, providers and error types are few; a flood of distinct
 * names (a model id per request from a proxy, say) only costs re-creating the objects, never memory.
 */
const SERIES_CACHE_LIMIT = 1024;

const byMeter = new WeakMap<Meter, GenAiInstruments>();

export function genAiInstruments(meter: Meter): GenAiInstruments {
  let instruments = byMeter.get(meter);
  if (!instruments) {
    instruments = createInstruments(meter);
    byMeter.set(meter, instruments);
  }
  return instruments;
}

/**
 * The attribute objects for one call's metric points, shared by every call of the same series. Every `record()`
 * hashes its attributes in the SDK whatever we do; what this saves is building two or three fresh objects per call
 * (the token points differ from the others only by `gen_ai.token.type`).
 */
export function metricAttributes(instruments: GenAiInstruments, key: MetricSeriesKey): MetricSeries {
  // Keyed by the caller's own strings (a concatenated key would be a new string to hash on every call): request
  // model, then response model, then a short list compared field by field.
  const cache = instruments.series;
  let byResponse = cache.models.get(key.requestModel ?? '');
  let candidates = byResponse?.get(key.responseModel ?? '');
  if (candidates !== undefined) {
    for (const series of candidates) if (sameSeries(series.key, key)) return series;
  }
  const series = createSeries(key);
  if (cache.size >= SERIES_CACHE_LIMIT) {
    cache.models.clear();
    cache.size = 0;
    byResponse = undefined;
    candidates = undefined;
  }
  if (byResponse === undefined) {
    byResponse = new Map();
    cache.models.set(key.requestModel ?? '', byResponse);
  }
  if (candidates === undefined) {
    candidates = [];
    byResponse.set(key.responseModel ?? '', candidates);
  }
  candidates.push(series);
  cache.size++;
  return series;
}

function sameSeries(a: MetricSeriesKey, b: MetricSeriesKey): boolean {
  return (
    a.operation === b.operation &&
    a.provider === b.provider &&
    a.serverAddress === b.serverAddress &&
    a.serverPort === b.serverPort &&
    a.errorType === b.errorType
  );
}

function createSeries(key: MetricSeriesKey): MetricSeries {
  const base: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: key.operation,
    [ATTR_GEN_AI_PROVIDER_NAME]: key.provider,
  };
  if (key.requestModel) base[ATTR_GEN_AI_REQUEST_MODEL] = key.requestModel;
  if (key.responseModel) base[ATTR_GEN_AI_RESPONSE_MODEL] = key.responseModel;
  if (key.serverAddress) base[ATTR_SERVER_ADDRESS] = key.serverAddress;
  if (key.serverPort !== undefined) base[ATTR_SERVER_PORT] = key.serverPort;
  if (key.errorType !== undefined) base[ATTR_ERROR_TYPE] = key.errorType;
  return {
    key: { ...key },
    base: Object.freeze(base),
    input: Object.freeze({ ...base, [ATTR_GEN_AI_TOKEN_TYPE]: 'input' }),
    output: Object.freeze({ ...base, [ATTR_GEN_AI_TOKEN_TYPE]: 'output' }),
  };
}

function createInstruments(meter: Meter): GenAiInstruments {
  return {
    series: { models: new Map(), size: 0 },
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

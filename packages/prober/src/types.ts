/** Probe status: 1 green (ok), 2 yellow (slow or transient), 0 red (down). */
export type ProbeStatus = 0 | 1 | 2;

export const PROBE_STATUS = { RED: 0, GREEN: 1, YELLOW: 2 } as const;

/** HTTP methods a monitor may use. */
export type ProbeMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** One monitor after validation: every default applied, `{{API_KEY}}` substituted, `!include` bodies read. */
export interface MonitorConfig {
  provider: string;
  service: string;
  url: string;
  method: ProbeMethod;
  /** Request headers with `{{API_KEY}}` substituted. Secret: never log them. */
  headers: Record<string, string>;
  /** Request body with `{{API_KEY}}` substituted; undefined for none. Secret: never log it. */
  body: string | undefined;
  /** The resolved API key (`MONITOR_<PROVIDER>_<SERVICE>_API_KEY` wins over the file); undefined for none. */
  apiKey: string | undefined;
  /** Per-monitor override of the root `timeout`, in ms. */
  timeoutMs: number;
  /** Per-monitor override of the root `slow_threshold`, in ms. */
  slowThresholdMs: number;
}

/** The prober's configuration after validation. */
export interface ProberConfig {
  /** Time between two rounds, in ms. YAML `interval`, default `1m`. */
  intervalMs: number;
  /** Default probe timeout, in ms. YAML `timeout`, default `10s`. */
  timeoutMs: number;
  /** Default latency above which a 2xx answer is yellow, in ms. YAML `slow_threshold`, default `5s`. */
  slowThresholdMs: number;
  /** Most probes in flight at once, over all monitors. YAML `concurrency`, default 8. */
  concurrency: number;
  /** Largest random delay added before each probe of a round, in ms. YAML `jitter`, default 10% of the interval, at most 5s. */
  jitterMs: number;
  monitors: MonitorConfig[];
}

/** The outcome of one probe. */
export interface ProbeResult {
  provider: string;
  service: string;
  status: ProbeStatus;
  /** Time from sending the request to the end of the response (or to the failure), in ms. */
  latencyMs: number;
  /** When the probe started, in ms since the epoch. */
  timestamp: number;
  /** The HTTP status code, when an answer arrived. */
  httpStatus?: number;
  /** Why the probe was not green: the HTTP status code as a string, `timeout`, `connection_refused`, `tls_error`, ... */
  errorType?: string;
}

/** The periods the status API and page offer. */
export type StatusPeriod = '24h' | '7d' | '30d';

/** One bucket of a monitor's timeline. */
export interface TimelinePoint {
  /** Start of the bucket (ISO 8601). */
  time: string;
  /** The worst status seen in the bucket (0 red beats 2 yellow beats 1 green); -1 when the bucket has no probes. */
  status: ProbeStatus | -1;
  /** Median latency in ms of the bucket's answered (green or yellow) probes; null when there are none. */
  latency: number | null;
  /** Number of probes in the bucket. */
  count: number;
  /** Share of the bucket's probes that were green or yellow, 0..1; null when the bucket has no probes. */
  availability: number | null;
}

/** One monitor in the status API's answer. */
export interface MonitorStatus {
  provider: string;
  service: string;
  current_status: { status: ProbeStatus; latency: number; timestamp: string } | null;
  timeline: TimelinePoint[];
  /** Percentage (0..100) of the period's probes that were green or yellow; null without probes. */
  uptime: number | null;
  /** Median latency in ms over the period's answered probes; null without any. */
  median_latency: number | null;
}

/** The body of `GET /api/status`. */
export interface StatusResponse {
  meta: { period: StatusPeriod; count: number; bucket_seconds: number };
  data: MonitorStatus[];
}

/** Where the prober's log lines go. Every line passes through secret redaction before it gets here. */
export interface ProberLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A source of time and timers, injectable so tests control scheduling. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Redis key names, in one place. Every key of a monitor carries the `{provider:service}` hash tag, so a Redis
 * Cluster keeps all of a monitor's keys on one slot and multi-key commands on them stay legal.
 * Provider and service names are validated to `[A-Za-z0-9._-]`, so they cannot contain `{`, `}` or `:`.
 */
export const KEY_PREFIX = 'llmtel:prober';

/** The hash tag shared by every key of one monitor. */
export function monitorTag(provider: string, service: string): string {
  return `{${provider}:${service}}`;
}

/** Sorted set of a monitor's probe results; score = probe time in ms since the epoch. */
export function historyKey(provider: string, service: string): string {
  return `${KEY_PREFIX}:${monitorTag(provider, service)}:history`;
}

import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';

/** What a Redis URL describes, parsed without ever echoing the password. */
export interface RedisTarget {
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  db: number;
  tls: boolean;
  cluster: boolean;
}

/**
 * Parses `redis[s]://[user:password@]host[:port][,host[:port]…][/db][?cluster=true]`. Several hosts, or
 * `cluster=true`, select Redis Cluster; `rediss` selects TLS.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const m = /^(rediss?):\/\/(?:([^@/]*)@)?([^/?#]*)(?:\/(\d*))?(?:\?([^#]*))?$/.exec(url.trim());
  if (!m) throw new TypeError('invalid Redis URL: expected redis://[user:password@]host[:port][/db]');
  const [, scheme, auth, hostList, db, query] = m;
  const target: RedisTarget = { nodes: [], db: db ? Number(db) : 0, tls: scheme === 'rediss', cluster: false };
  if (auth) {
    const colon = auth.indexOf(':');
    const user = decodeURIComponent(colon < 0 ? '' : auth.slice(0, colon));
    const pass = decodeURIComponent(colon < 0 ? auth : auth.slice(colon + 1));
    if (user) target.username = user;
    if (pass) target.password = pass;
  }
  for (const part of (hostList ?? '').split(',')) {
    if (!part) continue;
    const hp = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(part);
    if (!hp) throw new TypeError('invalid Redis URL: bad host');
    const port = hp[3] ? Number(hp[3]) : 6379;
    if (port < 1 || port > 65535) throw new TypeError('invalid Redis URL: bad port');
    target.nodes.push({ host: hp[1] ?? hp[2]!, port });
  }
  if (target.nodes.length === 0) target.nodes.push({ host: '127.0.0.1', port: 6379 });
  const params = new URLSearchParams(query ?? '');
  target.cluster = target.nodes.length > 1 || params.get('cluster') === 'true';
  return target;
}

/**
 * How the exporter talks to Redis: a command fails fast when Redis is down instead of waiting in ioredis' offline
 * queue, so the OTLP receiver can answer 503 and let the collector's queue retry (the data then stays with the
 * collector, not in this process's memory).
 */
export const SERVICE_REDIS_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 10_000,
  connectTimeout: 5_000,
  retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 2_000),
};

/** Options for short-lived tools (the CLI): wait for the connection, retry a command once. */
export const TOOL_REDIS_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: 1,
  connectTimeout: 5_000,
  commandTimeout: 30_000,
  retryStrategy: (times) => (times > 3 ? null : 200 * times),
};

export function createRedisClient(url: string, options: RedisOptions): Redis | Cluster {
  const t = parseRedisUrl(url);
  const common: RedisOptions = {
    ...options,
    ...(t.username ? { username: t.username } : {}),
    ...(t.password ? { password: t.password } : {}),
    ...(t.tls ? { tls: {} } : {}),
    lazyConnect: true,
  };
  if (t.cluster) {
    const nodes: ClusterNode[] = t.nodes.map((n) => ({ host: n.host, port: n.port }));
    return new Cluster(nodes, {
      redisOptions: common,
      enableOfflineQueue: options.enableOfflineQueue ?? true,
      lazyConnect: true,
      ...(options.retryStrategy ? { clusterRetryStrategy: options.retryStrategy } : {}),
    });
  }
  const node = t.nodes[0]!;
  return new Redis({ ...common, host: node.host, port: node.port, db: t.db });
}

/** Redact the password of a Redis URL for logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)([^@/]*)@/, (_m, scheme: string, auth: string) => {
    const colon = auth.indexOf(':');
    return `${scheme}${colon < 0 ? '' : auth.slice(0, colon)}:***@`;
  });
}

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable, formatUsd, parseRedisUrl, resolveConfig } from '@llmtel/usage-exporter';

describe('configuration', () => {
  it('defaults to 0.0.0.0:4319, local Redis, query API off', () => {
    const c = resolveConfig({}, {});
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.port, 4319);
    assert.equal(c.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(c.apiToken, undefined);
    assert.equal(c.metricsTopUsers, 20);
  });

  it('reads the environment; code wins over it', () => {
    const env = {
      LLMTEL_REDIS_URL: 'redis://r:6380',
      LLMTEL_USAGE_HOST: '127.0.0.1',
      LLMTEL_USAGE_PORT: '9000',
      LLMTEL_API_TOKEN: 'secret',
      LLMTEL_USAGE_METRICS_TOP_USERS: '7',
    };
    const fromEnv = resolveConfig({}, env);
    assert.deepEqual(
      [fromEnv.redisUrl, fromEnv.host, fromEnv.port, fromEnv.apiToken, fromEnv.metricsTopUsers],
      ['redis://r:6380', '127.0.0.1', 9000, 'secret', 7],
    );
    assert.equal(resolveConfig({ port: 1234, apiToken: 'code' }, env).port, 1234);
    assert.equal(resolveConfig({ port: 1234, apiToken: 'code' }, env).apiToken, 'code');
  });

  it('falls back on a bad environment value, throws on a bad value in code', () => {
    assert.equal(resolveConfig({}, { LLMTEL_USAGE_PORT: 'eighty' }).port, 4319);
    assert.equal(resolveConfig({}, { LLMTEL_USAGE_PORT: '70000' }).port, 4319);
    assert.throws(() => resolveConfig({ port: 70000 }, {}), RangeError);
    assert.throws(() => resolveConfig({ maxBodyBytes: 0 }, {}), RangeError);
    assert.throws(() => resolveConfig({ host: '' }, {}), TypeError);
  });

  it('parses Redis URLs: auth, db, TLS and cluster node lists', () => {
    assert.deepEqual(parseRedisUrl('redis://127.0.0.1:6379'), {
      nodes: [{ host: '127.0.0.1', port: 6379 }],
      db: 0,
      tls: false,
      cluster: false,
    });
    const auth = parseRedisUrl('rediss://user:p%40ss@cache.internal:6380/2');
    assert.deepEqual(auth, {
      nodes: [{ host: 'cache.internal', port: 6380 }],
      db: 2,
      tls: true,
      cluster: false,
      username: 'user',
      password: 'p@ss',
    });
    assert.equal(parseRedisUrl('redis://:pw@h').password, 'pw');
    assert.equal(parseRedisUrl('redis://:pw@h').username, undefined);
    const cluster = parseRedisUrl('redis://a:7000,b:7001,[::1]:7002');
    assert.equal(cluster.cluster, true);
    assert.deepEqual(cluster.nodes, [
      { host: 'a', port: 7000 },
      { host: 'b', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    assert.equal(parseRedisUrl('redis://a:7000?cluster=true').cluster, true);
    assert.throws(() => parseRedisUrl('http://x'), /invalid Redis URL/);
    assert.throws(() => parseRedisUrl('redis://h:99999'), /bad port/);
  });
});

describe('tables', () => {
  it('pads columns, right-aligns numbers with separators, and neutralises control characters', () => {
    const out = formatTable(
      ['NAME', 'N'],
      [
        ['a', 1234567],
        ['bb\u001b[31m', 5],
      ],
    );
    assert.equal(
      out,
      ['NAME             N', '-------  ---------', 'a        1,234,567', 'bb?[31m          5'].join('\n'),
    );
  });

  it('formats USD with enough decimals for small amounts', () => {
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(formatUsd(1234.5), '$1,234.50');
    assert.equal(formatUsd(0.05), '$0.0500');
    assert.equal(formatUsd(0.000123), '$0.000123');
  });
});

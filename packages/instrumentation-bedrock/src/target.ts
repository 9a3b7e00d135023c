import type { ClientLike, HttpRequestLike, Target } from './internal-types.js';
import { isObject } from './utils.js';

/**
 * `server.address` / `server.port` of a client's calls. The resolved client config holds only async providers, so
 * the span's target is read from what was passed to the constructor (`initConfig`, SDK >= 3.7xx: an explicit
 * `endpoint`, else the regional endpoint of an explicit `region`), else learnt from the first request a client sends
 * and remembered for its later calls.
 */

const LEARNT_KEY = Symbol.for('llmtel.bedrock.learntTargets');

/** Process-wide, so that the ESM and CJS copies of this package share what they learnt. */
function learnt(): WeakMap<object, Target> {
  const g = globalThis as Record<symbol, WeakMap<object, Target> | undefined>;
  return (g[LEARNT_KEY] ??= new WeakMap<object, Target>());
}

function fromUrl(url: URL): Target | undefined {
  if (url.hostname === '') return undefined;
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  return { serverAddress: url.hostname.replace(/^\[(.*)\]$/, '$1'), serverPort: port };
}

function fromEndpoint(endpoint: unknown): Target | undefined {
  try {
    if (typeof endpoint === 'string') return fromUrl(new URL(endpoint));
    if (endpoint instanceof URL) return fromUrl(endpoint);
    if (!isObject(endpoint)) return undefined;
    if (endpoint.url instanceof URL || typeof endpoint.url === 'string') return fromEndpoint(endpoint.url);
    if (typeof endpoint.hostname === 'string') {
      const protocol = typeof endpoint.protocol === 'string' ? endpoint.protocol : 'https:';
      const port = typeof endpoint.port === 'number' ? `:${endpoint.port}` : '';
      return fromUrl(new URL(`${protocol.endsWith(':') ? protocol : `${protocol}:`}//${endpoint.hostname}${port}`));
    }
  } catch {
    // Not a URL: learnt from the first request instead.
  }
  return undefined;
}

const REGION = /^[a-z0-9-]+$/;

/** The target known before the call is sent, if any. */
export function targetOf(client: ClientLike): Target {
  const known = learnt().get(client);
  if (known !== undefined) return known;
  const init = client.initConfig;
  if (!isObject(init)) return {};
  const explicit = fromEndpoint(init.endpoint);
  if (explicit !== undefined) return explicit;
  // FIPS and dual-stack endpoints have other host names: those are learnt from the first request.
  if (init.endpoint !== undefined || init.useFipsEndpoint === true || init.useDualstackEndpoint === true) return {};
  if (typeof init.region === 'string' && REGION.test(init.region)) {
    return { serverAddress: `bedrock-runtime.${init.region}.amazonaws.com`, serverPort: 443 };
  }
  return {};
}

/** Remembers where a client's first request went; returns that target. */
export function rememberTarget(client: ClientLike, request: HttpRequestLike | undefined): Target | undefined {
  if (request === undefined || typeof request.hostname !== 'string' || request.hostname === '') return undefined;
  const https = request.protocol !== 'http:';
  const port = typeof request.port === 'number' ? request.port : https ? 443 : 80;
  const target = { serverAddress: request.hostname, serverPort: port };
  learnt().set(client, target);
  return target;
}

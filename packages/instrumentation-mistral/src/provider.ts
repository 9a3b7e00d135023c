import type { ResourceLike, Target } from './internal-types.js';

/** Where a resource sends its requests: `server.address` / `server.port` of its resolved base URL. */
export function targetOf(resource: ResourceLike | undefined): Target {
  const base = resource?._baseURL;
  let url: URL | undefined;
  if (base instanceof URL) {
    url = base;
  } else if (typeof base === 'string' && base !== '') {
    try {
      url = new URL(base);
    } catch {
      url = undefined;
    }
  }
  if (url === undefined || url.hostname === '') return {};
  // `URL.hostname` keeps an IPv6 literal's brackets; `server.address` is the bare address.
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  return { serverAddress: host, serverPort: port };
}

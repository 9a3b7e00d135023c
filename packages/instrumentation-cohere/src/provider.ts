import type { Target, V2ClientLike } from './internal-types.js';

/** The API's default server (`CohereEnvironment.Production`). */
const DEFAULT_SERVER = 'https://api.cohere.com';

/**
 * Where a v2 client sends its requests: `baseUrl` (8.x), else `environment`, else the production API. A supplier
 * function is only resolved by the SDK at request time; the server is then left unset rather than guessed.
 */
export function targetOf(client: V2ClientLike | undefined): Target {
  const options = client?._options;
  const base = options?.baseUrl ?? options?.environment ?? DEFAULT_SERVER;
  if (typeof base !== 'string' || base === '') return {};
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return {};
  }
  // `URL.hostname` keeps an IPv6 literal's brackets; `server.address` is the bare address.
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  return { serverAddress: host, serverPort: port };
}

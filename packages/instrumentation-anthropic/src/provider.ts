import { GEN_AI_PROVIDER_NAME_VALUES as P } from '@llmtel/core';
import type { ClientLike, Target } from './internal-types.js';

/**
 * `gen_ai.provider.name` of a client. From 0.134 the SDK's clients name themselves (`_genAIProviderName`: the
 * Bedrock and Vertex clients of `@anthropic-ai/bedrock-sdk` / `vertex-sdk` reuse these resources); older clients are
 * told apart by their base URL's host. Anything else speaks the Anthropic API: `anthropic`.
 */
export function providerOf(client: ClientLike | undefined, host: string | undefined): string {
  const named = client?._genAIProviderName;
  if (typeof named === 'string' && named !== '') return named;
  if (host !== undefined) {
    if (host.startsWith('bedrock') && host.endsWith('.amazonaws.com')) return P.AWS_BEDROCK;
    if (host.endsWith('aiplatform.googleapis.com')) return P.GCP_VERTEX_AI;
  }
  return P.ANTHROPIC;
}

/** Where a client sends its requests. Pure: the same client fields always give the same answer. */
export function resolveTarget(client: ClientLike | undefined): Target {
  const baseURL = client?.baseURL;
  let url: URL | undefined;
  if (typeof baseURL === 'string' && baseURL !== '') {
    try {
      url = new URL(baseURL);
    } catch {
      url = undefined;
    }
  }
  if (url === undefined) return { provider: providerOf(client, undefined) };
  // `URL.hostname` keeps an IPv6 literal's brackets; `server.address` is the bare address.
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  return { provider: providerOf(client, host), serverAddress: host, serverPort: port };
}

interface CachedTarget {
  baseURL: unknown;
  target: Target;
}

/**
 * The target of a client, memoised per client object. A WeakMap (not a process-wide registry): it holds nothing
 * alive, and two copies of this module (ESM and CJS) caching separately is harmless.
 */
const cache = new WeakMap<object, CachedTarget>();

export function targetOf(client: ClientLike | undefined): Target {
  if (client === undefined || client === null || typeof client !== 'object') return resolveTarget(undefined);
  const hit = cache.get(client);
  if (hit !== undefined && hit.baseURL === client.baseURL) return hit.target;
  const target = resolveTarget(client);
  cache.set(client, { baseURL: client.baseURL, target });
  return target;
}

import { GEN_AI_PROVIDER_NAME_VALUES, isObject, nonEmptyString } from '@llmtel/core';
import type { ApiClientLike, Target } from './internal-types.js';

interface CachedTarget {
  vertex: boolean;
  baseUrl: string | undefined;
  target: Target;
}

/**
 * The target of an API client, memoised per client object. A WeakMap (not a process-wide registry): it holds nothing
 * alive, and the ESM and CJS copies of this module caching separately is harmless.
 */
const cache = new WeakMap<object, CachedTarget>();

/**
 * Where a request goes. The provider follows the client's backend, not its host: a client created with
 * `vertexai: true` talks to Vertex AI (`gcp.vertex_ai`) whatever base URL it was given, otherwise to the Gemini API
 * (`gcp.gemini`) (https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/registry/attributes/gen-ai.md).
 * A per-request `config.httpOptions.baseUrl` overrides the client's, as it does for the SDK.
 */
export function targetOf(apiClient: ApiClientLike | undefined, params: unknown): Target {
  const vertex = callOr(apiClient, 'isVertexAI') === true;
  const requestBaseUrl = requestBaseUrlOf(params);
  const baseUrl = requestBaseUrl ?? nonEmptyString(callOr(apiClient, 'getBaseUrl'));
  if (apiClient === undefined || apiClient === null || typeof apiClient !== 'object') return resolve(vertex, baseUrl);
  const hit = cache.get(apiClient);
  if (hit !== undefined && hit.vertex === vertex && hit.baseUrl === baseUrl) return hit.target;
  const target = resolve(vertex, baseUrl);
  if (requestBaseUrl === undefined) cache.set(apiClient, { vertex, baseUrl, target });
  return target;
}

function resolve(vertex: boolean, baseUrl: string | undefined): Target {
  const provider = vertex ? GEN_AI_PROVIDER_NAME_VALUES.GCP_VERTEX_AI : GEN_AI_PROVIDER_NAME_VALUES.GCP_GEMINI;
  if (baseUrl === undefined) return { provider };
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { provider };
  }
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  return { provider, serverAddress: url.hostname.toLowerCase(), serverPort: port };
}

function callOr(client: ApiClientLike | undefined, method: 'isVertexAI' | 'getBaseUrl'): unknown {
  try {
    const fn = client?.[method];
    return typeof fn === 'function' ? (fn as (this: unknown) => unknown).call(client) : undefined;
  } catch {
    // getBaseUrl throws when the client has no HTTP options; the span just lacks server.address.
    return undefined;
  }
}

function requestBaseUrlOf(params: unknown): string | undefined {
  if (!isObject(params) || !isObject(params.config) || !isObject(params.config.httpOptions)) return undefined;
  return nonEmptyString(params.config.httpOptions.baseUrl);
}

import { GEN_AI_PROVIDER_NAME_VALUES as P } from '@llmtel/core';
import type { ClientLike, Target } from './internal-types.js';

/**
 * `gen_ai.provider.name` for the OpenAI-compatible endpoints people point the `openai` SDK at, by host name. Values
 * from the conventions' list where one exists
 * (https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/#gen-ai-provider-name); `openrouter`,
 * `ollama` and `vllm` are not in that list, so they use the project's own lower-case name.
 *
 * `includeUsage`: the endpoint accepts `stream_options.include_usage`. Providers that report stream usage unasked
 * (Groq in `x_groq.usage`, Mistral, Perplexity, OpenRouter) or whose support is unknown are left alone.
 */
interface HostRule {
  suffix: string;
  provider: string;
  includeUsage: boolean;
}

const HOST_RULES: readonly HostRule[] = [
  { suffix: 'api.openai.com', provider: P.OPENAI, includeUsage: true },
  { suffix: '.openai.azure.com', provider: P.AZURE_AI_OPENAI, includeUsage: true },
  { suffix: '.cognitiveservices.azure.com', provider: P.AZURE_AI_OPENAI, includeUsage: true },
  { suffix: '.models.ai.azure.com', provider: P.AZURE_AI_INFERENCE, includeUsage: false },
  { suffix: '.inference.ai.azure.com', provider: P.AZURE_AI_INFERENCE, includeUsage: false },
  { suffix: 'api.x.ai', provider: P.X_AI, includeUsage: true },
  { suffix: 'api.deepseek.com', provider: P.DEEPSEEK, includeUsage: true },
  { suffix: 'api.groq.com', provider: P.GROQ, includeUsage: false },
  { suffix: 'mistral.ai', provider: P.MISTRAL_AI, includeUsage: false },
  { suffix: 'generativelanguage.googleapis.com', provider: P.GCP_GEMINI, includeUsage: true },
  { suffix: 'aiplatform.googleapis.com', provider: P.GCP_VERTEX_AI, includeUsage: false },
  { suffix: 'api.perplexity.ai', provider: P.PERPLEXITY, includeUsage: false },
  { suffix: 'openrouter.ai', provider: 'openrouter', includeUsage: false },
  { suffix: 'api.anthropic.com', provider: P.ANTHROPIC, includeUsage: false },
  { suffix: 'api.cohere.ai', provider: P.COHERE, includeUsage: false },
  { suffix: 'api.cohere.com', provider: P.COHERE, includeUsage: false },
];

/** Ollama's default port (https://github.com/ollama/ollama/blob/main/docs/faq.md). */
const OLLAMA_PORT = 11434;
/** Azure OpenAI accepts `stream_options` from this API version on. */
const AZURE_STREAM_OPTIONS_SINCE = '2024-09-01';

function hostMatches(host: string, suffix: string): boolean {
  if (suffix.startsWith('.')) return host.endsWith(suffix);
  // Regional hosts prefix the name with a dot or a dash (`us-central1-aiplatform.googleapis.com`).
  return host === suffix || host.endsWith(`.${suffix}`) || host.endsWith(`-${suffix}`);
}

function azureAcceptsIncludeUsage(apiVersion: unknown): boolean {
  // Date-versioned APIs before 2024-09-01 reject the parameter; `preview`, `latest` and the v1 API accept it.
  if (typeof apiVersion !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(apiVersion)) return true;
  return apiVersion >= AZURE_STREAM_OPTIONS_SINCE;
}

/**
 * Resolves where a client's requests go. Pure: the same base URL (and Azure API version) always gives the same
 * answer. Unknown hosts are OpenAI-compatible servers (proxies, self-hosted gateways): `openai`, the API they speak.
 */
export function resolveTarget(baseURL: unknown, azureApiVersion?: unknown): Target {
  let url: URL | undefined;
  if (typeof baseURL === 'string' && baseURL !== '') {
    try {
      url = new URL(baseURL);
    } catch {
      url = undefined;
    }
  }
  const isAzureClient = typeof azureApiVersion === 'string' && azureApiVersion !== '';
  if (!url) {
    return isAzureClient
      ? { provider: P.AZURE_AI_OPENAI, acceptsIncludeUsage: azureAcceptsIncludeUsage(azureApiVersion) }
      : { provider: P.OPENAI, acceptsIncludeUsage: true };
  }
  const host = url.hostname.toLowerCase();
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  const target = (provider: string, acceptsIncludeUsage: boolean): Target => ({
    provider,
    serverAddress: host,
    serverPort: port,
    acceptsIncludeUsage,
  });

  if (isAzureClient || host.endsWith('.services.ai.azure.com')) {
    if (!isAzureClient && !url.pathname.startsWith('/openai')) return target(P.AZURE_AI_INFERENCE, false);
    return target(P.AZURE_AI_OPENAI, azureAcceptsIncludeUsage(azureApiVersion));
  }
  for (const rule of HOST_RULES) {
    if (hostMatches(host, rule.suffix)) return target(rule.provider, rule.includeUsage);
  }
  if (host.startsWith('bedrock') && host.endsWith('.amazonaws.com')) return target(P.AWS_BEDROCK, false);
  if (port === OLLAMA_PORT || host.includes('ollama')) return target('ollama', true);
  if (host.includes('vllm')) return target('vllm', true);
  return target(P.OPENAI, true);
}

interface CachedTarget {
  baseURL: unknown;
  apiVersion: unknown;
  target: Target;
}

/**
 * The target of a client, memoised per client object. A WeakMap (not a process-wide registry): it holds nothing
 * alive and two copies of this module (ESM and CJS) caching separately is harmless.
 */
const cache = new WeakMap<object, CachedTarget>();

export function targetOf(client: ClientLike | undefined): Target {
  if (client === undefined || client === null || typeof client !== 'object') return resolveTarget(undefined);
  const { baseURL, apiVersion } = client;
  const hit = cache.get(client);
  if (hit !== undefined && hit.baseURL === baseURL && hit.apiVersion === apiVersion) return hit.target;
  const target = resolveTarget(baseURL, apiVersion);
  cache.set(client, { baseURL, apiVersion, target });
  return target;
}

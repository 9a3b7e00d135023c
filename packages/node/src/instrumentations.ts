import { diag } from '@opentelemetry/api';
import type { Instrumentation, InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type * as AnthropicModule from '@llmtel/instrumentation-anthropic';
import type { AnthropicInstrumentationConfig } from '@llmtel/instrumentation-anthropic';
import type * as BedrockModule from '@llmtel/instrumentation-bedrock';
import type { BedrockInstrumentationConfig } from '@llmtel/instrumentation-bedrock';
import type * as CohereModule from '@llmtel/instrumentation-cohere';
import type { CohereInstrumentationConfig } from '@llmtel/instrumentation-cohere';
import type * as GoogleGenAIModule from '@llmtel/instrumentation-google-genai';
import type { GoogleGenAIInstrumentationConfig } from '@llmtel/instrumentation-google-genai';
import type * as LangChainModule from '@llmtel/instrumentation-langchain';
import type { LangChainInstrumentationConfig } from '@llmtel/instrumentation-langchain';
import type * as MistralModule from '@llmtel/instrumentation-mistral';
import type { MistralInstrumentationConfig } from '@llmtel/instrumentation-mistral';
import type * as OpenAIModule from '@llmtel/instrumentation-openai';
import type { OpenAIInstrumentationConfig } from '@llmtel/instrumentation-openai';
import type * as VercelAiModule from '@llmtel/instrumentation-vercel-ai';
import { resolveInstrumentationEnabled, resolveVercelAiAutoRegister, type Env } from './config.js';
import { getLocalRequire } from './local-require.js';

interface Entry<M, C> {
  /** The package to load; a package that is not installed is skipped. */
  readonly packageName: string;
  readonly create: (exports: M, config: C) => Instrumentation;
}

function entry<M, C>(packageName: string, create: (exports: M, config: C) => Instrumentation): Entry<M, C> {
  return { packageName, create };
}

/**
 * Every llmtel instrumentation, by the name used in options and in `OTEL_NODE_(EN|DIS)ABLED_INSTRUMENTATIONS`.
 * Adding a provider is one line here (plus the package in dependencies).
 */
export const INSTRUMENTATIONS = {
  openai: entry<typeof OpenAIModule, OpenAIInstrumentationConfig>(
    '@llmtel/instrumentation-openai',
    (m, config) => new m.OpenAIInstrumentation(config),
  ),
  anthropic: entry<typeof AnthropicModule, AnthropicInstrumentationConfig>(
    '@llmtel/instrumentation-anthropic',
    (m, config) => new m.AnthropicInstrumentation(config),
  ),
  bedrock: entry<typeof BedrockModule, BedrockInstrumentationConfig>(
    '@llmtel/instrumentation-bedrock',
    (m, config) => new m.BedrockInstrumentation(config),
  ),
  'google-genai': entry<typeof GoogleGenAIModule, GoogleGenAIInstrumentationConfig>(
    '@llmtel/instrumentation-google-genai',
    (m, config) => new m.GoogleGenAIInstrumentation(config),
  ),
  mistral: entry<typeof MistralModule, MistralInstrumentationConfig>(
    '@llmtel/instrumentation-mistral',
    (m, config) => new m.MistralInstrumentation(config),
  ),
  cohere: entry<typeof CohereModule, CohereInstrumentationConfig>(
    '@llmtel/instrumentation-cohere',
    (m, config) => new m.CohereInstrumentation(config),
  ),
  langchain: entry<typeof LangChainModule, LangChainInstrumentationConfig>(
    '@llmtel/instrumentation-langchain',
    (m, config) => new m.LangChainInstrumentation(config),
  ),
};

/** What a span-based integration starts with. */
interface ProcessorSetup {
  readonly meterProvider: MeterProvider | undefined;
  /** The integration's config object from the options; empty when it was given as `true` or not at all. */
  readonly config: { readonly [key: string]: unknown };
  /** `captureMessageContent` from the options; the integration falls back to the env switch itself. */
  readonly captureMessageContent: boolean | undefined;
  readonly env: Env;
}

/** A started span-based integration: its processor, and what to undo when telemetry shuts down. */
export interface StartedSpanProcessor {
  readonly processor: SpanProcessor;
  readonly stop?: () => void;
}

interface ProcessorEntry<M> {
  readonly packageName: string;
  readonly create: (exports: M, setup: ProcessorSetup) => StartedSpanProcessor;
  /** Throws on a bad option in the integration's config object. */
  readonly validate?: (config: { readonly [key: string]: unknown }) => void;
}

/**
 * Integrations that work on spans other libraries create (the Vercel AI SDK traces itself), so they are span
 * processors on the tracer provider rather than instrumentations. Same names and on/off switches as above.
 */
export const SPAN_PROCESSORS = {
  'vercel-ai': {
    packageName: '@llmtel/instrumentation-vercel-ai',
    create: (m, { meterProvider, config, captureMessageContent, env }) => {
      const processor = new m.AiSdkSpanProcessor({ meterProvider });
      // From v7 the AI SDK makes spans only through a registered integration, which a zero-code app has not.
      const registration = resolveVercelAiAutoRegister(config.autoRegister, env)
        ? m.registerAiSdkTelemetry({ captureMessageContent })
        : undefined;
      return { processor, stop: () => registration?.unregister() };
    },
    validate: (config) => {
      for (const key of Object.keys(config)) {
        if (key !== 'autoRegister') throw new RangeError(`llmtel: unknown option instrumentations['vercel-ai'].${key}`);
      }
      resolveVercelAiAutoRegister(config.autoRegister, {});
    },
  } satisfies ProcessorEntry<typeof VercelAiModule>,
};

const KNOWN_NAMES = [...Object.keys(INSTRUMENTATIONS), ...Object.keys(SPAN_PROCESSORS)];

export type InstrumentationName = keyof typeof INSTRUMENTATIONS;

/** Each instrumentation's own config type, by name. */
export type InstrumentationConfigs = {
  [N in InstrumentationName]: (typeof INSTRUMENTATIONS)[N] extends Entry<never, infer C> ? C : never;
};

/** Throws on an unknown instrumentation name or a setting that is neither a boolean nor a config object. */
export function validateInstrumentationOptions(value: unknown): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object') throw new TypeError('llmtel: instrumentations must be an object');
  for (const [name, setting] of Object.entries(value)) {
    if (!KNOWN_NAMES.includes(name)) {
      throw new RangeError(`llmtel: unknown instrumentation "${name}" (known: ${KNOWN_NAMES.join(', ')})`);
    }
    resolveInstrumentationEnabled(name, setting, {});
    const processor = (SPAN_PROCESSORS as Record<string, ProcessorEntry<unknown> | undefined>)[name];
    if (typeof setting === 'object' && setting !== null) processor?.validate?.(setting as Record<string, unknown>);
  }
}

export interface LoadedInstrumentation {
  name: InstrumentationName;
  instrumentation: Instrumentation;
}

function isModuleNotFound(err: unknown, packageName: string): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  return (
    (e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_MODULE_NOT_FOUND') &&
    typeof e.message === 'string' &&
    e.message.includes(`'${packageName}'`)
  );
}

/**
 * Creates (and thereby enables) every installed, enabled instrumentation. One failing instrumentation is logged
 * and skipped; it never stops the others.
 */
export function loadInstrumentations(
  options: { readonly [name: string]: unknown } | undefined,
  captureMessageContent: boolean | undefined,
  env: Env,
): LoadedInstrumentation[] {
  const loaded: LoadedInstrumentation[] = [];
  for (const name of Object.keys(INSTRUMENTATIONS) as InstrumentationName[]) {
    const code = options?.[name];
    if (!resolveInstrumentationEnabled(name, code, env)) continue;
    const { packageName, create } = INSTRUMENTATIONS[name] as Entry<unknown, object>;
    const config: Record<string, unknown> = typeof code === 'object' && code !== null ? { ...code } : {};
    if (captureMessageContent !== undefined) config.captureMessageContent ??= captureMessageContent;
    const moduleExports = loadPackage(packageName, name);
    if (moduleExports === undefined) continue;
    try {
      loaded.push({ name, instrumentation: create(moduleExports, config) });
    } catch (err) {
      diag.error(`llmtel: could not start the ${name} instrumentation`, err);
    }
  }
  return loaded;
}

/** The installed package's exports, or undefined (logged) when it is missing or fails to load. */
function loadPackage(packageName: string, name: string): unknown {
  try {
    return getLocalRequire()(packageName) as unknown;
  } catch (err) {
    if (isModuleNotFound(err, packageName)) diag.debug(`llmtel: ${packageName} is not installed; skipping ${name}`);
    else diag.error(`llmtel: could not load ${packageName}; ${name} calls will not be traced`, err);
    return undefined;
  }
}

/** Starts every installed, enabled span-based integration. */
export function loadSpanProcessors(
  options: { readonly [name: string]: unknown } | undefined,
  captureMessageContent: boolean | undefined,
  env: Env,
  meterProvider: MeterProvider | undefined,
): StartedSpanProcessor[] {
  const started: StartedSpanProcessor[] = [];
  for (const name of Object.keys(SPAN_PROCESSORS) as (keyof typeof SPAN_PROCESSORS)[]) {
    const code = options?.[name];
    if (!resolveInstrumentationEnabled(name, code, env)) continue;
    const { packageName, create } = SPAN_PROCESSORS[name] as ProcessorEntry<unknown>;
    const moduleExports = loadPackage(packageName, name);
    if (moduleExports === undefined) continue;
    const config = typeof code === 'object' && code !== null ? (code as Record<string, unknown>) : {};
    try {
      started.push(create(moduleExports, { meterProvider, config, captureMessageContent, env }));
    } catch (err) {
      diag.error(`llmtel: could not start the ${name} integration`, err);
    }
  }
  return started;
}

/**
 * What the ESM loader hook must wrap for these instrumentations: each patched package by its bare specifier, and,
 * when an instrumentation patches files inside a package, every module under that package's directory.
 */
export function esmIncludeList(loaded: readonly LoadedInstrumentation[]): Array<string | RegExp> {
  const include: Array<string | RegExp> = [];
  for (const { instrumentation } of loaded) {
    const definitions: InstrumentationModuleDefinition[] =
      (
        instrumentation as { getModuleDefinitions?: () => InstrumentationModuleDefinition[] }
      ).getModuleDefinitions?.() ?? [];
    for (const def of definitions) {
      include.push(def.name);
      if (def.files.length > 0) {
        include.push(new RegExp(`/node_modules/${def.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`));
      }
    }
  }
  return include;
}

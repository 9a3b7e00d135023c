import { context, diag } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped } from '@opentelemetry/instrumentation';
import {
  resolveBoolean,
  type GenAiCall,
  observeSdkResult,
  type GenAiTelemetry,
  isObject,
  telemetryFromConfig,
  observeSdkStream,
} from '@llmtel/core';
import { chatOperation } from './chat.js';
import { completionsOperation } from './completions.js';
import { embeddingsOperation } from './embeddings.js';
import type { Operation, ResourceLike } from './internal-types.js';
import { targetOf } from './provider.js';
import { responsesOperation } from './responses.js';
import type { OpenAIInstrumentationConfig } from './types.js';
import type { Json } from './utils.js';

export const PACKAGE_NAME = '@llmtel/instrumentation-openai';
export const PACKAGE_VERSION = '0.1.0';
/** The `openai` majors this instrumentation was written and tested against (v5.x lower bound, v7 current). */
export const SUPPORTED_VERSIONS = ['>=5.0.0 <8'];

type CreateMethod = (this: ResourceLike, ...args: unknown[]) => unknown;

interface Prototype {
  create: CreateMethod;
}

/** A call that the instrumentation started and must see to its end. */
interface Started {
  call: GenAiCall;
  args: unknown[];
  operation: Operation;
  streaming: boolean;
  capture: boolean;
  injectedUsage: boolean;
}

/** The resources whose `create` is instrumented, reached from the SDK's exported client class. */
function resources(moduleExports: unknown): [Prototype | undefined, Operation][] {
  const exports = moduleExports as { OpenAI?: unknown; default?: unknown } | undefined;
  const OpenAI = (exports?.OpenAI ?? exports?.default) as
    Record<string, Record<string, unknown> | undefined> | undefined;
  const proto = (cls: unknown): Prototype | undefined => {
    const p = (cls as { prototype?: Prototype } | undefined)?.prototype;
    return typeof p?.create === 'function' ? p : undefined;
  };
  return [
    [proto(OpenAI?.Chat?.Completions), chatOperation],
    [proto(OpenAI?.Completions), completionsOperation],
    [proto(OpenAI?.Embeddings), embeddingsOperation],
    [proto(OpenAI?.Responses), responsesOperation],
  ];
}

/** SDK helpers that build the request body themselves (`chat.completions.stream()`, `runTools()`). */
const BODY_OWNING_HELPERS: ReadonlySet<unknown> = new Set(['stream', 'runTools']);

/** The request body was built by one of the SDK's own streaming helpers, not passed in by the app. */
function fromSdkHelper(options: unknown): boolean {
  if (!isObject(options)) return false;
  // v7 marks helper requests in `__metadata`; v5 and v6 in a header.
  if (isObject(options.__metadata) && BODY_OWNING_HELPERS.has(options.__metadata.helperMethod)) return true;
  return isObject(options.headers) && BODY_OWNING_HELPERS.has(options.headers['X-Stainless-Helper-Method']);
}

/**
 * OpenTelemetry instrumentation of the `openai` SDK (v5 to v7): one CLIENT span per provider request made through
 * `chat.completions.create`, `responses.create`, `embeddings.create` and the legacy `completions.create`, plain or
 * streamed, including the SDK helpers built on them (`chat.completions.parse/stream/runTools`, `responses.stream`).
 */
export class OpenAIInstrumentation extends InstrumentationBase<OpenAIInstrumentationConfig> {
  // `declare`: the base constructor calls setConfig(), which sets these; a field initializer would reset them.
  declare private telemetry: GenAiTelemetry;
  declare private enrichStreamUsage: boolean;

  constructor(config: OpenAIInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  override setConfig(config: OpenAIInstrumentationConfig = {}): void {
    const telemetry = telemetryFromConfig(config, { tracer: () => this.tracer, meter: () => this.meter });
    const enrichStreamUsage = resolveBoolean(config.enrichStreamUsage, [], true);
    super.setConfig(config);
    this.telemetry = telemetry;
    this.enrichStreamUsage = enrichStreamUsage;
  }

  protected init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      'openai',
      SUPPORTED_VERSIONS,
      (moduleExports: unknown) => this.patch(moduleExports),
      (moduleExports: unknown) => this.unpatch(moduleExports),
    );
  }

  /**
   * Wraps the prototypes reachable from the package's main export (`OpenAI.Chat.Completions`, ...). These statics
   * exist in v5, v6 and v7 in both the CommonJS (`index.js`) and ESM (`index.mjs`, via import-in-the-middle) builds,
   * and each build has its own classes, so patching from the main export covers `require('openai')` and
   * `import OpenAI from 'openai'` without per-file hooks.
   */
  private patch(moduleExports: unknown): unknown {
    for (const [proto, operation] of resources(moduleExports)) {
      if (proto === undefined) {
        this._diag.debug('openai: a resource to instrument was not found; the SDK layout may have changed');
        continue;
      }
      this._wrap(proto, 'create', (original) => this.wrapCreate(original, operation));
    }
    return moduleExports;
  }

  private unpatch(moduleExports: unknown): void {
    for (const [proto] of resources(moduleExports)) {
      if (proto !== undefined && isWrapped(proto.create)) this._unwrap(proto, 'create');
    }
  }

  private wrapCreate(original: CreateMethod, operation: Operation): CreateMethod {
    const start = (resource: ResourceLike, args: unknown[]) => this.start(resource, args, operation);
    const observe = (started: Started, result: unknown) => this.observe(started, result);
    return function create(this: ResourceLike, ...args: unknown[]): unknown {
      const started = start(this, args);
      if (started === undefined) return original.apply(this, args);
      let result: unknown;
      try {
        // The SDK's HTTP request runs inside the span's context, so transport spans become its children.
        result = context.with(started.call.context, () => original.apply(this, started.args));
      } catch (error) {
        started.call.fail(error);
        throw error;
      }
      observe(started, result);
      return result;
    };
  }

  private start(resource: ResourceLike, args: unknown[], operation: Operation): Started | undefined {
    try {
      const body = args[0];
      if (!isObject(body)) return undefined;
      const telemetry = this.telemetry;
      const capture = telemetry.captureMessageContent;
      const target = targetOf(resource?._client);
      const streaming = body.stream === true;
      let sent = args;
      let injectedUsage = false;
      if (
        streaming &&
        operation.includeUsage &&
        this.enrichStreamUsage &&
        target.acceptsIncludeUsage &&
        (!isObject(body.stream_options) || body.stream_options.include_usage === undefined)
      ) {
        sent = withIncludeUsage(body, args);
        injectedUsage = true;
      }
      const call = telemetry.startCall(operation.request(body, target, capture));
      return { call, args: sent, operation, streaming, capture, injectedUsage };
    } catch (error) {
      diag.debug('llmtel openai: could not start a span; calling the SDK uninstrumented', error);
      return undefined;
    }
  }

  private observe(started: Started, result: unknown): void {
    observeSdkResult(result, started.call, (value) => this.onParsed(started, value), 'openai');
  }

  private onParsed(started: Started, value: unknown): void {
    const { call, operation, capture } = started;
    try {
      if (started.streaming) {
        const accumulator = operation.stream({ capture, injectedUsage: started.injectedUsage });
        if (!observeSdkStream(value, call, accumulator, 'openai')) call.end();
        return;
      }
      call.end(operation.response(value, capture));
    } catch (error) {
      diag.debug('llmtel openai: could not read a response', error);
      call.end();
    }
  }
}

/**
 * The arguments with `stream_options.include_usage: true` added to the body. The app's own body object is never
 * changed: it gets a shallow copy. A body built by an SDK helper is the SDK's own, and openai v7 keys its request
 * serialization observers by that object's identity (`chat.completions.stream()` uses them), so that one is
 * changed in place.
 */
function withIncludeUsage(body: Json, args: unknown[]): unknown[] {
  const streamOptions = { ...(isObject(body.stream_options) ? body.stream_options : {}), include_usage: true };
  if (fromSdkHelper(args[1])) {
    try {
      body.stream_options = streamOptions;
      return args;
    } catch {
      // A frozen body: fall through to a copy.
    }
  }
  const sent = args.slice();
  sent[0] = { ...body, stream_options: streamOptions };
  return sent;
}

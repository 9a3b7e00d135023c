import { diag } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped } from '@opentelemetry/instrumentation';
import {
  ClaimedCompletion,
  NativeSpanClaim,
  resolveNativeSpanMode,
  runWithNativeSpanClaim,
  type GenAiCall,
  type NativeSpanMode,
  type GenAiTelemetry,
  isObject,
  telemetryFromConfig,
} from '@llmtel/core';
import { telemetryError } from './errors.js';
import type { Operation, ResourceLike } from './internal-types.js';
import { interceptNativeTracing } from './native.js';
import {
  chatCompleteOperation,
  chatParseOperation,
  chatParseStreamOperation,
  chatStreamOperation,
  embeddingsOperation,
  fimCompleteOperation,
  fimStreamOperation,
} from './operations.js';
import { targetOf } from './provider.js';
import { observeStream } from './stream.js';
import type { MistralInstrumentationConfig } from './types.js';

export const PACKAGE_NAME = '@llmtel/instrumentation-mistral';
export const PACKAGE_VERSION = '0.1.0';
/**
 * The `@mistralai/mistralai` releases this instrumentation was written and tested against: 1.1 (CommonJS; 1.0 cannot
 * parse the current API's answers) to 2.x (ES modules only; traces itself from 2.3 when the app turns that on).
 */
export const SUPPORTED_VERSIONS = ['>=1.1.0 <3'];

/** The kind of the claims this package makes (see `NativeSpanClaim`). */
const CLAIM_KIND = 'mistral';

type Method = (this: ResourceLike, ...args: unknown[]) => unknown;

/**
 * The instrumented methods, by the client getter that creates their resource (`client.chat`, ...). `chat.parse()` and
 * `chat.parseStream()` send their request themselves (not through `complete()` / `stream()`), so they are wrapped too.
 */
const RESOURCES: Readonly<Record<string, Readonly<Record<string, Operation>>>> = {
  chat: {
    complete: chatCompleteOperation,
    stream: chatStreamOperation,
    parse: chatParseOperation,
    parseStream: chatParseStreamOperation,
  },
  fim: { complete: fimCompleteOperation, stream: fimStreamOperation },
  embeddings: { create: embeddingsOperation },
};

/** Marks a client getter installed by this package, with the getter it replaced. */
const ORIGINAL_GETTER = Symbol.for('llmtel.mistral.originalGetter');

type PatchedGetter = (() => unknown) & { [ORIGINAL_GETTER]?: () => unknown };

/** A call the instrumentation started and must see to its end. */
interface Started {
  completion: ClaimedCompletion;
  call: GenAiCall;
  claim: NativeSpanClaim;
  capture: boolean;
}

function clientPrototype(moduleExports: unknown): object | undefined {
  const Mistral = (moduleExports as { Mistral?: unknown } | undefined)?.Mistral;
  const proto = (Mistral as { prototype?: unknown } | undefined)?.prototype;
  return typeof proto === 'object' && proto !== null ? proto : undefined;
}

/**
 * OpenTelemetry instrumentation of `@mistralai/mistralai` (1.x and 2.x): one CLIENT span per request made through
 * `chat.complete`, `chat.stream`, `chat.parse`, `chat.parseStream`, `fim.complete`, `fim.stream` and
 * `embeddings.create`, with tokens (prompt-cache hits included), cost and streaming metrics. The SDK's own tracing
 * (2.3 and later, when turned on) never adds a second span for the same request (see the `nativeSpans` option).
 */
export class MistralInstrumentation extends InstrumentationBase<MistralInstrumentationConfig> {
  // `declare`: the base constructor calls setConfig(), which sets these; a field initializer would reset them.
  declare private telemetry: GenAiTelemetry;
  declare private nativeSpans: NativeSpanMode;
  /** Resource prototypes patched so far, for `disable()`. */
  private readonly patchedPrototypes = new Set<Record<string, unknown>>();

  constructor(config: MistralInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  override setConfig(config: MistralInstrumentationConfig = {}): void {
    const telemetry = telemetryFromConfig(config, { tracer: () => this.tracer, meter: () => this.meter });
    const nativeSpans = resolveNativeSpanMode(config.nativeSpans);
    super.setConfig(config);
    this.telemetry = telemetry;
    this.nativeSpans = nativeSpans;
  }

  protected init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      '@mistralai/mistralai',
      SUPPORTED_VERSIONS,
      (moduleExports: unknown) => this.patch(moduleExports),
      (moduleExports: unknown) => this.unpatch(moduleExports),
    );
  }

  /**
   * The resource classes (`Chat`, `Fim`, `Embeddings`) are not exported; each client creates its resources lazily in
   * a getter of the exported `Mistral` class (`get chat() { return this._chat ??= new Chat(this._options) }`). Those
   * getters are wrapped so that the first resource of each class has its class's prototype methods wrapped, which
   * then holds for every client. The CommonJS build (1.x) and the ES module build (2.x, also what `require()` loads
   * on Node 22.12+) each have their own classes, reached from their own `Mistral` export.
   */
  private patch(moduleExports: unknown): unknown {
    const proto = clientPrototype(moduleExports);
    if (proto === undefined) {
      this._diag.debug('mistral: the Mistral client class was not found; the SDK layout may have changed');
      return moduleExports;
    }
    for (const [getterName, methods] of Object.entries(RESOURCES)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, getterName);
      const original = descriptor?.get as PatchedGetter | undefined;
      if (descriptor === undefined || original === undefined || original[ORIGINAL_GETTER] !== undefined) continue;
      const patchResource = (resource: unknown) => this.patchResource(resource, methods);
      const getter: PatchedGetter = function (this: unknown): unknown {
        const resource = original.call(this);
        patchResource(resource);
        return resource;
      };
      getter[ORIGINAL_GETTER] = original;
      Object.defineProperty(proto, getterName, { ...descriptor, get: getter });
    }
    return moduleExports;
  }

  private unpatch(moduleExports: unknown): void {
    const proto = clientPrototype(moduleExports);
    if (proto !== undefined) {
      for (const getterName of Object.keys(RESOURCES)) {
        const descriptor = Object.getOwnPropertyDescriptor(proto, getterName);
        const original = (descriptor?.get as PatchedGetter | undefined)?.[ORIGINAL_GETTER];
        if (descriptor !== undefined && original !== undefined) {
          Object.defineProperty(proto, getterName, { ...descriptor, get: original });
        }
      }
    }
    for (const resourceProto of this.patchedPrototypes) {
      for (const [name, value] of Object.entries(Object.getOwnPropertyDescriptors(resourceProto))) {
        if (isWrapped(value.value)) this._unwrap(resourceProto, name);
      }
    }
    this.patchedPrototypes.clear();
  }

  private patchResource(resource: unknown, methods: Readonly<Record<string, Operation>>): void {
    if (!isObject(resource)) return;
    const proto = Object.getPrototypeOf(resource) as Record<string, unknown> | null;
    if (proto === null || this.patchedPrototypes.has(proto)) return;
    this.patchedPrototypes.add(proto);
    for (const [name, operation] of Object.entries(methods)) {
      const method = proto[name];
      if (typeof method !== 'function' || isWrapped(method)) continue;
      this._wrap(proto as Record<string, Method>, name, (original: Method) => this.wrapMethod(original, operation));
    }
  }

  private wrapMethod(original: Method, operation: Operation): Method {
    const invoke = (resource: ResourceLike, args: unknown[]) => this.invoke(original, resource, args, operation);
    return function instrumented(this: ResourceLike, ...args: unknown[]): unknown {
      return invoke(this, args);
    };
  }

  private invoke(original: Method, resource: ResourceLike, args: unknown[], operation: Operation): unknown {
    const started = this.start(resource, args[0], operation);
    if (started === undefined) return original.apply(resource, args);
    const { completion } = started;
    let result: unknown;
    try {
      // The SDK's HTTP request (and its own span, if it traces itself) runs in the llmtel span's context.
      result = runWithNativeSpanClaim(started.claim, started.call.context, () => original.apply(resource, args));
    } catch (error) {
      completion.fail(telemetryError(error));
      throw error;
    }
    if (typeof (result as PromiseLike<unknown> | undefined)?.then !== 'function') {
      completion.end();
      return result;
    }
    return (result as Promise<unknown>).then(
      (value) => this.onResult(started, operation, value),
      (error: unknown) => {
        completion.fail(telemetryError(error));
        throw error;
      },
    );
  }

  private start(resource: ResourceLike, body: unknown, operation: Operation): Started | undefined {
    try {
      if (!isObject(body)) return undefined;
      interceptNativeTracing(resource);
      const telemetry = this.telemetry;
      const capture = telemetry.captureMessageContent;
      const request = operation.request(body, targetOf(resource), capture);
      const claim = new NativeSpanClaim({
        kind: CLAIM_KIND,
        mode: this.nativeSpans,
        ownsContent: capture,
        startCall: () => telemetry.startCall(request),
      });
      const call = claim.start();
      return { completion: new ClaimedCompletion(call, claim), call, claim, capture };
    } catch (error) {
      diag.debug('llmtel mistral: could not start a span; calling the SDK uninstrumented', error);
      return undefined;
    }
  }

  /** @returns what the app receives: the SDK's value, or for a 2.x stream one of the same class relaying it */
  private onResult(started: Started, operation: Operation, value: unknown): unknown {
    const { completion, capture } = started;
    try {
      if (!operation.streaming) {
        completion.end(operation.response(value, capture));
        return value;
      }
      const relayed = observeStream(value, completion, operation.stream(capture));
      if (relayed !== undefined) return relayed;
      completion.end();
    } catch (error) {
      diag.debug('llmtel mistral: could not read a response', error);
      completion.end();
    }
    return value;
  }
}

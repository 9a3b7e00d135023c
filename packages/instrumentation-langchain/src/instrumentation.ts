import { context as otelContext, diag } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  isWrapped,
} from '@opentelemetry/instrumentation';
import { DEFAULT_MAX_CONTENT_LENGTH, resolveBoolean, type GenAiTelemetry, telemetryFromConfig } from '@llmtel/core';
import { markCacheMisses } from './cache.js';
import { bindAsyncIterator, isAsyncIterator, MODEL_METHODS, ownerOf, TOOL_METHODS, type RunMethod } from './context.js';
import { LlmtelCallbackHandler, type HandlerHost } from './handler.js';
import type { CallbackManagerClass, CallbackManagerLike } from './internal-types.js';
import { RunRegistry } from './runs.js';
import { truncate } from './utils.js';
import type { LangChainInstrumentationConfig } from './types.js';

export const PACKAGE_NAME = '@llmtel/instrumentation-langchain';
export const PACKAGE_VERSION = '0.1.0';
/** The `@langchain/core` majors this instrumentation was written and tested against. */
export const SUPPORTED_VERSIONS = ['>=1.0.0 <2'];

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type Patchable = Record<string, unknown>;

/** Files of `@langchain/core` that are patched, each shipped as ESM (`.js`) and CommonJS (`.cjs`). */
const FILES = {
  manager: 'dist/callbacks/manager',
  chatModels: 'dist/language_models/chat_models',
  llms: 'dist/language_models/llms',
  tools: 'dist/tools/index',
  storage: 'dist/singletons/async_local_storage/index',
} as const;

function prototypeOf(exports: unknown, className: string): Patchable | undefined {
  const cls = (exports as Record<string, { prototype?: unknown } | undefined> | undefined)?.[className];
  const proto = cls?.prototype;
  return typeof proto === 'object' && proto !== null ? (proto as Patchable) : undefined;
}

/**
 * OpenTelemetry instrumentation of LangChain.js (`@langchain/core` 1.x): chat model and LLM runs as GenAI spans
 * (with tokens and cost when no instrumented provider SDK underneath owns them), agents as `invoke_agent`, tools as
 * `execute_tool`, chains as their parents. It adds one callback handler to every callback manager LangChain
 * configures, and makes the spans of runs the active context for the work each run does.
 */
export class LangChainInstrumentation extends InstrumentationBase<LangChainInstrumentationConfig> {
  // `declare`: the base constructor calls setConfig() and init(), before field initializers would run.
  declare private telemetry: GenAiTelemetry;
  declare private traceChains: boolean;
  declare private registry: RunRegistry | undefined;
  declare private callbackHandler: LlmtelCallbackHandler | undefined;
  /** Prototypes whose run methods were wrapped as models and tools were first seen, for unwrapping. */
  declare private discovered: Map<Patchable, Set<string>> | undefined;

  constructor(config: LangChainInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  override setConfig(config: LangChainInstrumentationConfig = {}): void {
    const telemetry = telemetryFromConfig(config, { tracer: () => this.tracer, meter: () => this.meter });
    const traceChains = resolveBoolean(config.traceChains, [], true);
    super.setConfig(config);
    this.telemetry = telemetry;
    this.traceChains = traceChains;
  }

  /** The callback handler this instrumentation registers; exported so apps that build managers by hand can add it. */
  get handler(): LlmtelCallbackHandler {
    if (this.callbackHandler === undefined) {
      const host: HandlerHost = {
        telemetry: () => this.telemetry,
        tracer: () => this.tracer,
        traceChains: () => this.traceChains,
        active: () => this.isEnabled(),
        content: (text, field) => {
          if (!this.telemetry.captureMessageContent) return undefined;
          const { contentRedactor, maxContentLength } = this.getConfig();
          const redacted = contentRedactor ? contentRedactor(text, field) : text;
          return redacted === undefined
            ? undefined
            : truncate(redacted, maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH);
        },
      };
      this.callbackHandler = new LlmtelCallbackHandler(host, this.runs);
    }
    return this.callbackHandler;
  }

  private get runs(): RunRegistry {
    return (this.registry ??= new RunRegistry());
  }

  protected init(): InstrumentationNodeModuleDefinition {
    const file = (path: string, patch: (exports: unknown) => unknown, unpatch: (exports: unknown) => void) =>
      ['js', 'cjs'].map(
        (ext) =>
          new InstrumentationNodeModuleFile(`@langchain/core/${path}.${ext}`, SUPPORTED_VERSIONS, patch, unpatch),
      );
    return new InstrumentationNodeModuleDefinition('@langchain/core', SUPPORTED_VERSIONS, undefined, undefined, [
      ...file(
        FILES.manager,
        (e) => this.patchManager(e),
        (e) => this.unpatchStatic(e, 'CallbackManager', '_configureSync'),
      ),
      ...file(
        FILES.chatModels,
        (e) => this.patchModel(e, 'BaseChatModel'),
        (e) => this.unpatchModel(e, 'BaseChatModel'),
      ),
      ...file(
        FILES.llms,
        (e) => this.patchModel(e, 'BaseLLM'),
        (e) => this.unpatchModel(e, 'BaseLLM'),
      ),
      ...file(
        FILES.tools,
        (e) => this.patchTools(e),
        (e) => this.unpatchPrototype(prototypeOf(e, 'StructuredTool'), ['call']),
      ),
      ...file(
        FILES.storage,
        (e) => this.patchStorage(e),
        (e) => this.unpatchStatic(e, 'AsyncLocalStorageProviderSingleton', 'runWithConfig'),
      ),
    ]);
  }

  /** Every callback manager LangChain configures gets the llmtel handler (a run without callbacks gets a manager). */
  private patchManager(exports: unknown): unknown {
    const Manager = (exports as { CallbackManager?: CallbackManagerClass } | undefined)?.CallbackManager;
    if (typeof Manager?._configureSync !== 'function') {
      this._diag.debug('langchain: CallbackManager._configureSync not found; runs will not be traced');
      return exports;
    }
    const withHandler = (inheritable: unknown) => this.withHandler(inheritable);
    const attach = (manager: unknown) => this.attachHandler(manager);
    this.wrapMethod(Manager as unknown as Patchable, '_configureSync', (original) => {
      return function _configureSync(this: unknown, inheritable: unknown, ...rest: unknown[]): unknown {
        // Handed in with the app's own handlers, so that LangChain configures the manager it creates for llmtel
        // (tags, metadata) exactly as it would for them.
        return attach(original.call(this, withHandler(inheritable), ...rest));
      };
    });
    return exports;
  }

  /** The inheritable handlers `_configureSync` is called with, plus the llmtel handler. */
  private withHandler(inheritable: unknown): unknown {
    if (!this.isEnabled()) return inheritable;
    const handler = this.handler;
    if (inheritable === undefined || inheritable === null) return [handler];
    if (Array.isArray(inheritable) && !inheritable.includes(handler)) return [...(inheritable as unknown[]), handler];
    return inheritable;
  }

  /** A manager passed in (rather than a list of handlers) is copied by LangChain: the handler is added to the copy. */
  private attachHandler(manager: unknown): unknown {
    try {
      if (!this.isEnabled() || manager === undefined || manager === null) return manager;
      const handler = this.handler;
      const target = manager as CallbackManagerLike;
      if (!target.handlers?.includes(handler)) target.addHandler(handler, true);
    } catch (error) {
      diag.debug('llmtel langchain: could not add the callback handler; this run is not traced', error);
    }
    return manager;
  }

  /**
   * Models: their entry points (`_generateUncached`, the stream iterator) find the model's class and wrap the
   * methods that make the provider request, once per class; the entry point itself runs with a slot for the run it
   * starts, for the one path that makes a request without handing on its run manager.
   */
  private patchModel(exports: unknown, className: string): unknown {
    const proto = prototypeOf(exports, className);
    if (proto === undefined) {
      this._diag.debug(`langchain: ${className} not found; its runs will not nest their provider requests`);
      return exports;
    }
    const discover = (model: unknown) => this.discover(model, MODEL_METHODS);
    const runs = this.runs;
    if (typeof proto._generateUncached === 'function') {
      this.wrapMethod(proto, '_generateUncached', (original) => {
        return function _generateUncached(this: unknown, ...args: unknown[]): unknown {
          discover(this);
          // `(messages, options, config, startedRunManagers)`: the last is set only after a cache lookup missed.
          markCacheMisses(runs, args[3]);
          return otelContext.with(runs.withPendingSlot(otelContext.active()), () => original.apply(this, args));
        };
      });
    }
    if (typeof proto._streamIterator === 'function') {
      this.wrapMethod(proto, '_streamIterator', (original) => {
        return function _streamIterator(this: unknown, ...args: unknown[]): unknown {
          discover(this);
          const ctx = runs.withPendingSlot(otelContext.active());
          const iterator = otelContext.with(ctx, () => original.apply(this, args));
          return isAsyncIterator(iterator) ? bindAsyncIterator(iterator, ctx) : iterator;
        };
      });
    }
    return exports;
  }

  private unpatchModel(exports: unknown, className: string): void {
    this.unpatchPrototype(prototypeOf(exports, className), ['_generateUncached', '_streamIterator']);
    this.undiscover();
  }

  private patchTools(exports: unknown): unknown {
    const proto = prototypeOf(exports, 'StructuredTool');
    if (typeof proto?.call !== 'function') {
      this._diag.debug('langchain: StructuredTool.call not found; tools will not nest their work');
      return exports;
    }
    const discover = (tool: unknown) => this.discover(tool, TOOL_METHODS);
    const runs = this.runs;
    this.wrapMethod(proto, 'call', (original) => {
      return function call(this: unknown, ...args: unknown[]): unknown {
        discover(this);
        const name = (this as { name?: unknown } | undefined)?.name;
        const ctx = runs.withPendingSlot(otelContext.active(), typeof name === 'string' ? name : undefined);
        return otelContext.with(ctx, () => original.apply(this, args));
      };
    });
    return exports;
  }

  /**
   * `runWithConfig` runs the code of a runnable lambda, a `tool()` function or a streamed step with the child
   * config of a run: that code runs in the run's context.
   */
  private patchStorage(exports: unknown): unknown {
    const storage = (exports as { AsyncLocalStorageProviderSingleton?: Patchable } | undefined)
      ?.AsyncLocalStorageProviderSingleton;
    if (typeof storage?.runWithConfig !== 'function') return exports;
    const runs = this.runs;
    this.wrapMethod(storage, 'runWithConfig', (original) => {
      return function runWithConfig(this: unknown, config: unknown, callback: unknown, ...rest: unknown[]): unknown {
        const manager = (config as { callbacks?: CallbackManagerLike } | undefined)?.callbacks;
        const parentRunId = typeof manager?.getParentRunId === 'function' ? manager.getParentRunId() : undefined;
        const ctx = runs.get(parentRunId)?.context;
        if (ctx === undefined || typeof callback !== 'function') return original.call(this, config, callback, ...rest);
        const fn = callback as AnyFunction;
        const bound = function (this: unknown, ...args: unknown[]): unknown {
          return otelContext.with(ctx, () => fn.apply(this, args));
        };
        return original.call(this, config, bound, ...rest);
      };
    });
    return exports;
  }

  /** Wraps, once per class, the methods of `target`'s class that do a run's work, to run in the run's context. */
  private discover(target: unknown, methods: readonly RunMethod[]): void {
    if (typeof target !== 'object' || target === null) return;
    try {
      const discovered = (this.discovered ??= new Map());
      for (const method of methods) {
        const owner = ownerOf(target, method.name) as Patchable | undefined;
        if (owner === undefined || typeof owner[method.name] !== 'function' || isWrapped(owner[method.name])) continue;
        this.wrapMethod(owner, method.name, (original) => this.runInRunContext(original, method));
        let names = discovered.get(owner);
        if (names === undefined) discovered.set(owner, (names = new Set()));
        names.add(method.name);
      }
    } catch (error) {
      diag.debug('llmtel langchain: could not wrap a model or tool class', error);
    }
  }

  private runInRunContext(original: AnyFunction, method: RunMethod): AnyFunction {
    const runs = this.runs;
    return function runInRunContext(this: unknown, ...args: unknown[]): unknown {
      const ctx = runs.contextFor(args[method.runManagerIndex]);
      if (ctx === undefined) return original.apply(this, args);
      const result = otelContext.with(ctx, () => original.apply(this, args));
      return method.iterator && isAsyncIterator(result) ? bindAsyncIterator(result, ctx) : result;
    };
  }

  private undiscover(): void {
    for (const [owner, names] of this.discovered ?? []) this.unpatchPrototype(owner, [...names]);
    this.discovered?.clear();
  }

  private wrapMethod(target: Patchable, name: string, wrapper: (original: AnyFunction) => AnyFunction): void {
    this._wrap(target as Record<string, AnyFunction>, name, wrapper);
  }

  private unpatchStatic(exports: unknown, exportName: string, method: string): void {
    const target = (exports as Record<string, Patchable | undefined> | undefined)?.[exportName];
    if (target !== undefined && isWrapped(target[method])) this._unwrap(target, method);
  }

  private unpatchPrototype(proto: Patchable | undefined, methods: readonly string[]): void {
    if (proto === undefined) return;
    for (const method of methods) if (isWrapped(proto[method])) this._unwrap(proto, method);
  }
}

import { context, diag } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  isWrapped,
} from '@opentelemetry/instrumentation';
import { type GenAiCall, type GenAiRequest, type GenAiTelemetry, isObject, telemetryFromConfig } from '@llmtel/core';
import { telemetryError } from './errors.js';
import { openingStreams, wrapChatStream, wrapContinuation } from './early-return.js';
import type { ModelsLike, RequestMethod, StreamWrapperMethod } from './internal-types.js';
import { embeddingsRequest, generateRequest } from './request.js';
import { embeddingsResponse, generateResponse } from './response.js';
import { observeStream, StreamAccumulator } from './stream.js';
import { targetOf } from './target.js';
import type { GoogleGenAIInstrumentationConfig } from './types.js';
import type { Json } from './utils.js';

export const PACKAGE_NAME = '@llmtel/instrumentation-google-genai';
export const PACKAGE_VERSION = '0.1.0';
/**
 * The `@google/genai` versions this instrumentation was written and tested against: 1.1.0 (the first release whose
 * CommonJS build loads; 1.0.x ships it as an ES module named `.js`) up to the current 3.x.
 */
export const SUPPORTED_VERSIONS = ['>=1.1.0 <4'];

type Kind = 'generate' | 'stream' | 'embed';

interface Hook {
  method: string;
  kind: Kind;
}

/**
 * Where the requests are made. The public `generateContent`, `generateContentStream` and (from v2) `embedContent`
 * are arrow functions that the `Models` constructor assigns to each instance, so no prototype has them; and one
 * public call may send several requests (automatic function calling, automatic continuation), while chat sessions
 * call the public methods of the client's `models`. All those paths end in these `Models.prototype` methods, each
 * call of which is one HTTP request: wrapping them gives exactly one span per request (none doubled by chats), also
 * for clients created before the instrumentation was enabled. In v1, `embedContent` itself is the prototype method.
 */
function hooksOf(proto: Record<string, unknown>): Hook[] {
  const embed = typeof proto.embedContentInternal === 'function' ? 'embedContentInternal' : 'embedContent';
  return [
    { method: 'generateContentInternal', kind: 'generate' },
    { method: 'generateContentStreamInternal', kind: 'stream' },
    { method: embed, kind: 'embed' },
  ];
}

/**
 * The SDK methods that hand the app a stream inside a generator of their own, with the wrappers that let an early
 * `return()` on that generator reach the stream (see early-return.ts). Optional: v1 and early v2 have no continuation.
 */
const STREAM_WRAPPERS = [
  { cls: 'Models', method: 'generateContentStreamWithContinuation', wrap: wrapContinuation },
  { cls: 'Chat', method: 'processStreamResponse', wrap: wrapChatStream },
] as const;

/** A class's prototype in one build of the SDK (its CommonJS and ES module builds each have their own classes). */
function exportedPrototype(moduleExports: unknown, name: 'Models' | 'Chat'): Record<string, unknown> | undefined {
  const cls =
    isObject(moduleExports) || typeof moduleExports === 'function' ? (moduleExports as Json)[name] : undefined;
  const proto = (cls as { prototype?: unknown } | undefined)?.prototype;
  return isObject(proto) ? proto : undefined;
}

/**
 * OpenTelemetry instrumentation of the `@google/genai` SDK (v1.1 to v3): one CLIENT span per request made by
 * `models.generateContent`, `models.generateContentStream`, `models.embedContent` and chat sessions
 * (`chats.create(...).sendMessage` / `sendMessageStream`), against the Gemini API (`gcp.gemini`) or Vertex AI
 * (`gcp.vertex_ai`).
 */
export class GoogleGenAIInstrumentation extends InstrumentationBase<GoogleGenAIInstrumentationConfig> {
  // `declare`: the base constructor calls setConfig(), which sets it; a field initializer would reset it.
  declare private telemetry: GenAiTelemetry;

  constructor(config: GoogleGenAIInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  override setConfig(config: GoogleGenAIInstrumentationConfig = {}): void {
    const telemetry = telemetryFromConfig(config, { tracer: () => this.tracer, meter: () => this.meter });
    super.setConfig(config);
    this.telemetry = telemetry;
  }

  /**
   * The package's main entry is, in Node, `dist/node/index.cjs` for `require` and `dist/node/index.mjs` for
   * `import` (through import-in-the-middle); each build has its own `Models` class. The `@google/genai/node` subpath
   * imports the same `index.mjs` under another specifier, which only a file hook sees. Patching is idempotent, so a
   * module reached both ways is wrapped once.
   */
  protected init(): InstrumentationNodeModuleDefinition {
    const patch = (moduleExports: unknown) => this.patch(moduleExports);
    const unpatch = (moduleExports: unknown) => this.unpatch(moduleExports);
    return new InstrumentationNodeModuleDefinition('@google/genai', SUPPORTED_VERSIONS, patch, unpatch, [
      new InstrumentationNodeModuleFile('@google/genai/dist/node/index.mjs', SUPPORTED_VERSIONS, patch, unpatch),
    ]);
  }

  private patch(moduleExports: unknown): unknown {
    const proto = exportedPrototype(moduleExports, 'Models');
    if (proto === undefined) {
      this._diag.debug('@google/genai: Models class not found; the SDK layout may have changed');
      return moduleExports;
    }
    for (const { method, kind } of hooksOf(proto)) {
      if (typeof proto[method] !== 'function') {
        this._diag.debug(`@google/genai: Models.prototype.${method} not found; the SDK layout may have changed`);
        continue;
      }
      if (isWrapped(proto[method])) continue;
      this._wrap(proto as unknown as Record<string, RequestMethod>, method, (original) =>
        this.wrapRequest(original, kind),
      );
    }
    for (const { cls, method, wrap } of STREAM_WRAPPERS) {
      const target = exportedPrototype(moduleExports, cls);
      if (target === undefined || typeof target[method] !== 'function' || isWrapped(target[method])) continue;
      this._wrap(target as unknown as Record<string, StreamWrapperMethod>, method, wrap);
    }
    return moduleExports;
  }

  private unpatch(moduleExports: unknown): void {
    const proto = exportedPrototype(moduleExports, 'Models');
    if (proto === undefined) return;
    for (const { method } of hooksOf(proto)) {
      if (isWrapped(proto[method])) this._unwrap(proto as unknown as Record<string, RequestMethod>, method);
    }
    for (const { cls, method } of STREAM_WRAPPERS) {
      const target = exportedPrototype(moduleExports, cls);
      if (target !== undefined && isWrapped(target[method])) {
        this._unwrap(target as unknown as Record<string, StreamWrapperMethod>, method);
      }
    }
  }

  private wrapRequest(original: RequestMethod, kind: Kind): RequestMethod {
    const start = (models: ModelsLike, params: unknown) => this.start(models, params, kind);
    const observe = (call: GenAiCall, result: Promise<unknown>, opening: unknown[] | undefined) =>
      this.observe(call, kind, result, opening);
    return function request(this: ModelsLike, params: unknown, ...rest: unknown[]): Promise<unknown> {
      const call = start(this, params);
      if (call === undefined) return original.call(this, params, ...rest);
      // Read now: it is only set while a continuation call opens its first hop, which is this call.
      const opening = kind === 'stream' ? openingStreams() : undefined;
      let result: Promise<unknown>;
      try {
        // The SDK's HTTP request runs inside the span's context, so transport spans become its children.
        result = context.with(call.context, () => original.call(this, params, ...rest));
      } catch (error) {
        call.fail(telemetryError(error));
        throw error;
      }
      return observe(call, result, opening);
    };
  }

  private start(models: ModelsLike, params: unknown, kind: Kind): GenAiCall | undefined {
    try {
      if (!isObject(params)) return undefined;
      const target = targetOf(models?.apiClient, params);
      const request: GenAiRequest =
        kind === 'embed' ? embeddingsRequest(params, target) : generateRequest(params, target, kind === 'stream');
      return this.telemetry.startCall(request);
    } catch (error) {
      diag.debug('llmtel google-genai: could not start a span; calling the SDK uninstrumented', error);
      return undefined;
    }
  }

  /**
   * Ends the span when the response arrives (or, for streams, when the stream does). The promise handed back is
   * the SDK's own for plain requests; for streams it resolves to the SDK's stream wrapped by `observeStream`, noted
   * in `opening` when the SDK's continuation generator will hold it.
   */
  private observe(
    call: GenAiCall,
    kind: Kind,
    result: Promise<unknown>,
    opening: unknown[] | undefined,
  ): Promise<unknown> {
    const telemetry = this.telemetry;
    if (kind !== 'stream') {
      result.then(
        (value) => end(call, () => (kind === 'embed' ? embeddingsResponse(value) : generateResponse(value))),
        (error: unknown) => call.fail(telemetryError(error)),
      );
      return result;
    }
    return result.then(
      (stream) => {
        if (!isAsyncIterable(stream)) {
          call.end();
          return stream;
        }
        try {
          const observed = observeStream(stream, call, new StreamAccumulator(telemetry.captureMessageContent));
          opening?.push(observed);
          return observed;
        } catch (error) {
          diag.debug('llmtel google-genai: could not observe a stream', error);
          call.end();
          return stream;
        }
      },
      (error: unknown) => {
        call.fail(telemetryError(error));
        throw error;
      },
    );
  }
}

function end(call: GenAiCall, response: () => ReturnType<typeof generateResponse>): void {
  try {
    call.end(response());
  } catch (error) {
    diag.debug('llmtel google-genai: could not read a response', error);
    call.end();
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return isObject(value) && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

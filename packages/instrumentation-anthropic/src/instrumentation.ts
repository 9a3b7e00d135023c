import { context, diag } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped } from '@opentelemetry/instrumentation';
import {
  activeNativeSpanClaim,
  ClaimedCompletion,
  NativeSpanClaim,
  resolveNativeSpanMode,
  runWithNativeSpanClaim,
  type GenAiCall,
  type NativeSpanMode,
  observeSdkResult,
  type GenAiTelemetry,
  isObject,
  telemetryFromConfig,
  observeSdkStream,
} from '@llmtel/core';
import type { ResourceLike } from './internal-types.js';
import { interceptClientSpans } from './native.js';
import { messagesRequest, messagesResponse } from './operation.js';
import { targetOf } from './provider.js';
import { MessagesStreamAccumulator } from './stream-accumulator.js';
import type { AnthropicInstrumentationConfig } from './types.js';

export const PACKAGE_NAME = '@llmtel/instrumentation-anthropic';
export const PACKAGE_VERSION = '0.1.0';
/**
 * The `@anthropic-ai/sdk` releases this instrumentation was written and tested against: from 0.50 (the first one
 * with the `core/api-promise` layout) to 1.x; 0.134 is the first that traces itself.
 */
export const SUPPORTED_VERSIONS = ['>=0.50.0 <2'];

/** The kind of the claims this package makes (see `NativeSpanClaim`). */
const CLAIM_KIND = 'anthropic.messages';

type Method = (this: ResourceLike, ...args: unknown[]) => unknown;

interface MessagesPrototype {
  create: Method;
  stream?: Method;
}

/** A call the instrumentation started and must see to its end. */
interface Started {
  completion: ClaimedCompletion;
  streaming: boolean;
  capture: boolean;
}

/** `Messages` and `Beta.Messages`, reached from the SDK's exported client class. */
function resources(moduleExports: unknown): (MessagesPrototype | undefined)[] {
  const exports = moduleExports as { Anthropic?: unknown; default?: unknown } | undefined;
  const Anthropic = (exports?.Anthropic ?? exports?.default) as
    { Messages?: unknown; Beta?: { Messages?: unknown } } | undefined;
  const proto = (cls: unknown): MessagesPrototype | undefined => {
    const p = (cls as { prototype?: MessagesPrototype } | undefined)?.prototype;
    return typeof p?.create === 'function' ? p : undefined;
  };
  return [proto(Anthropic?.Messages), proto(Anthropic?.Beta?.Messages)];
}

/**
 * OpenTelemetry instrumentation of `@anthropic-ai/sdk` (0.50 to 1.x): one CLIENT span per provider request made
 * through `messages.create` and `beta.messages.create`, plain or streamed, including the SDK helpers built on them
 * (`messages.stream()`, `messages.parse()`). Tokens follow the conventions (input includes
 * cache reads and writes), each token class is priced at its own rate, and the SDK's own tracing (0.134 and later)
 * never adds a second span for the same request (see the `nativeSpans` option).
 */
export class AnthropicInstrumentation extends InstrumentationBase<AnthropicInstrumentationConfig> {
  // `declare`: the base constructor calls setConfig(), which sets these; a field initializer would reset them.
  declare private telemetry: GenAiTelemetry;
  declare private nativeSpans: NativeSpanMode;

  constructor(config: AnthropicInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  override setConfig(config: AnthropicInstrumentationConfig = {}): void {
    const telemetry = telemetryFromConfig(config, { tracer: () => this.tracer, meter: () => this.meter });
    const nativeSpans = resolveNativeSpanMode(config.nativeSpans);
    super.setConfig(config);
    this.telemetry = telemetry;
    this.nativeSpans = nativeSpans;
  }

  protected init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      '@anthropic-ai/sdk',
      SUPPORTED_VERSIONS,
      (moduleExports: unknown) => this.patch(moduleExports),
      (moduleExports: unknown) => this.unpatch(moduleExports),
    );
  }

  /**
   * Wraps `create` and `stream` on the prototypes reachable from the package's main export. Both statics exist from
   * 0.50 to 1.x in the CommonJS (`index.js`) and ESM (`index.mjs`, via import-in-the-middle) builds, and each build
   * has its own classes, so patching from the main export covers `require` and `import` without per-file hooks.
   */
  private patch(moduleExports: unknown): unknown {
    for (const proto of resources(moduleExports)) {
      if (proto === undefined) {
        this._diag.debug('anthropic: a resource to instrument was not found; the SDK layout may have changed');
        continue;
      }
      this._wrap(proto, 'create', (original) => this.wrapCreate(original));
      if (typeof proto.stream === 'function') {
        this._wrap(proto as Required<MessagesPrototype>, 'stream', (original) => this.wrapStream(original));
      }
    }
    return moduleExports;
  }

  private unpatch(moduleExports: unknown): void {
    for (const proto of resources(moduleExports)) {
      if (proto === undefined) continue;
      if (isWrapped(proto.create)) this._unwrap(proto, 'create');
      if (isWrapped(proto.stream)) this._unwrap(proto as Required<MessagesPrototype>, 'stream');
    }
  }

  private wrapCreate(original: Method): Method {
    const call = (resource: ResourceLike, args: unknown[]) => this.create(original, resource, args);
    return function create(this: ResourceLike, ...args: unknown[]): unknown {
      return call(this, args);
    };
  }

  /**
   * `messages.stream()` sends its request through `messages.create()`, which makes the span. The helper of an SDK
   * that traces itself starts its span before that call, though, so a claim is put in effect around the helper:
   * whichever comes first, the SDK's span or the `create()` call, starts the one llmtel call for the request.
   */
  private wrapStream(original: Method): Method {
    const claimFor = (resource: ResourceLike, body: unknown) => this.claimFor(resource, body, 'stream');
    return function stream(this: ResourceLike, ...args: unknown[]): unknown {
      const claim = claimFor(this, args[0]);
      if (claim === undefined) return original.apply(this, args);
      return runWithNativeSpanClaim(claim, context.active(), () => original.apply(this, args));
    };
  }

  private create(original: Method, resource: ResourceLike, args: unknown[]): unknown {
    const claim = this.claimFor(resource, args[0], 'create');
    if (claim === undefined) return original.apply(resource, args);
    let started: Started;
    let call: GenAiCall;
    try {
      call = claim.start();
      started = {
        completion: new ClaimedCompletion(call, claim),
        streaming: (args[0] as { stream?: unknown }).stream === true,
        capture: this.telemetry.captureMessageContent,
      };
    } catch (error) {
      diag.debug('llmtel anthropic: could not start a span; calling the SDK uninstrumented', error);
      return original.apply(resource, args);
    }
    let result: unknown;
    try {
      // The SDK's HTTP request runs inside the span's context, so transport spans become its children.
      result = runWithNativeSpanClaim(claim, call.context, () => original.apply(resource, args));
    } catch (error) {
      started.completion.fail(error);
      throw error;
    }
    this.observe(started, result);
    return result;
  }

  /**
   * The claim for one request: for `create()` called by an instrumented `stream()` helper, the helper's; otherwise a
   * new one. Undefined when the call cannot be described (the SDK then runs uninstrumented and reports its own
   * validation errors).
   */
  private claimFor(resource: ResourceLike, body: unknown, method: 'create' | 'stream'): NativeSpanClaim | undefined {
    try {
      if (!isObject(body)) return undefined;
      const client = resource?._client;
      interceptClientSpans(client);
      if (method === 'create') {
        const pending = activeNativeSpanClaim();
        if (pending !== undefined && pending.kind === CLAIM_KIND && pending.bind()) return pending;
      }
      const telemetry = this.telemetry;
      const capture = telemetry.captureMessageContent;
      const request = messagesRequest(body, targetOf(client), capture, method === 'stream' || body.stream === true);
      const claim = new NativeSpanClaim({
        kind: CLAIM_KIND,
        mode: this.nativeSpans,
        ownsContent: capture,
        startCall: () => telemetry.startCall(request),
      });
      if (method === 'create') claim.bind();
      return claim;
    } catch (error) {
      diag.debug('llmtel anthropic: could not describe a request; calling the SDK uninstrumented', error);
      return undefined;
    }
  }

  private observe(started: Started, result: unknown): void {
    observeSdkResult(result, started.completion, (value) => this.onParsed(started, value), 'anthropic');
  }

  private onParsed(started: Started, value: unknown): void {
    const { completion, capture } = started;
    try {
      if (started.streaming) {
        if (!observeSdkStream(value, completion, new MessagesStreamAccumulator(capture), 'anthropic')) completion.end();
        return;
      }
      completion.end(messagesResponse(value, capture));
    } catch (error) {
      diag.debug('llmtel anthropic: could not read a response', error);
      completion.end();
    }
  }
}

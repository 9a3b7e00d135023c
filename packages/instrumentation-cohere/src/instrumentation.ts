import { context, diag } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  isWrapped,
} from '@opentelemetry/instrumentation';
import { type GenAiCall, type GenAiTelemetry, isObject, telemetryFromConfig } from '@llmtel/core';
import { telemetryError } from './errors.js';
import type { HttpResponsePromiseLike, Operation, V2ClientLike } from './internal-types.js';
import { chatCallOperation, chatStreamOperation, embedOperation } from './operations.js';
import { targetOf } from './provider.js';
import { observeStream } from './stream.js';
import type { CohereInstrumentationConfig } from './types.js';

export const PACKAGE_NAME = '@llmtel/instrumentation-cohere';
export const PACKAGE_VERSION = '0.1.0';
/** The `cohere-ai` releases this instrumentation was written and tested against: 7.14 (the first v2 client with `embed`) to 8.x. */
export const SUPPORTED_VERSIONS = ['>=7.14.0 <9'];

/** The file that defines the v2 client class, `V2` (7.x) or `V2Client` (7.21 and later). */
const V2_CLIENT_FILE = 'cohere-ai/api/resources/v2/client/Client.js';

type Method = (this: V2ClientLike, ...args: unknown[]) => unknown;

const METHODS: Readonly<Record<string, Operation>> = {
  chat: chatCallOperation,
  chatStream: chatStreamOperation,
  embed: embedOperation,
};

/** A call the instrumentation started and must see to its end. */
interface Started {
  call: GenAiCall;
  capture: boolean;
}

function v2Prototype(fileExports: unknown): Record<string, unknown> | undefined {
  const exports = fileExports as { V2Client?: unknown; V2?: unknown } | undefined;
  const cls = exports?.V2Client ?? exports?.V2;
  const proto = (cls as { prototype?: unknown } | undefined)?.prototype;
  return isObject(proto) && typeof proto.chat === 'function' ? proto : undefined;
}

function isHttpResponsePromise(value: unknown): value is HttpResponsePromiseLike {
  return isObject(value) && typeof (value.innerPromise as PromiseLike<unknown> | undefined)?.then === 'function';
}

/**
 * OpenTelemetry instrumentation of the `cohere-ai` v2 client (7.14 to 8.x): one CLIENT span per request made through
 * `CohereClientV2`'s `chat`, `chatStream` and `embed` (and `client.v2.*` of `CohereClient`), with the billed token
 * counts, cost and streaming metrics.
 */
export class CohereInstrumentation extends InstrumentationBase<CohereInstrumentationConfig> {
  // `declare`: the base constructor calls setConfig(), which sets this; a field initializer would reset it.
  declare private telemetry: GenAiTelemetry;

  constructor(config: CohereInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  override setConfig(config: CohereInstrumentationConfig = {}): void {
    const telemetry = telemetryFromConfig(config, { tracer: () => this.tracer, meter: () => this.meter });
    super.setConfig(config);
    this.telemetry = telemetry;
  }

  /**
   * `CohereClientV2` binds its `chat`, `chatStream` and `embed` to a v2 client instance when it is constructed, and
   * the v2 client class is not exported; its methods live on that class's prototype, in one CommonJS file (ES module
   * apps load the same file through the package's CommonJS entry point). That file is patched where it is loaded.
   */
  protected init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition('cohere-ai', SUPPORTED_VERSIONS, undefined, undefined, [
      new InstrumentationNodeModuleFile(
        V2_CLIENT_FILE,
        SUPPORTED_VERSIONS,
        (fileExports: unknown) => this.patch(fileExports),
        (fileExports: unknown) => this.unpatch(fileExports),
      ),
    ]);
  }

  private patch(fileExports: unknown): unknown {
    const proto = v2Prototype(fileExports);
    if (proto === undefined) {
      this._diag.debug('cohere: the v2 client class was not found; the SDK layout may have changed');
      return fileExports;
    }
    for (const [name, operation] of Object.entries(METHODS)) {
      if (typeof proto[name] !== 'function' || isWrapped(proto[name])) continue;
      this._wrap(proto as Record<string, Method>, name, (original: Method) => this.wrapMethod(original, operation));
    }
    return fileExports;
  }

  private unpatch(fileExports: unknown): void {
    const proto = v2Prototype(fileExports);
    if (proto === undefined) return;
    for (const name of Object.keys(METHODS)) {
      if (isWrapped(proto[name])) this._unwrap(proto as Record<string, Method>, name);
    }
  }

  private wrapMethod(original: Method, operation: Operation): Method {
    const invoke = (client: V2ClientLike, args: unknown[]) => this.invoke(original, client, args, operation);
    return function instrumented(this: V2ClientLike, ...args: unknown[]): unknown {
      return invoke(this, args);
    };
  }

  /** Returns exactly what the SDK returned (an `HttpResponsePromise` in 8.x keeps `withRawResponse()`), observed. */
  private invoke(original: Method, client: V2ClientLike, args: unknown[], operation: Operation): unknown {
    const started = this.start(client, args[0], operation);
    if (started === undefined) return original.apply(client, args);
    const { call } = started;
    let result: unknown;
    try {
      // The SDK's HTTP request runs inside the span's context, so transport spans become its children.
      result = context.with(call.context, () => original.apply(client, args));
    } catch (error) {
      call.fail(telemetryError(error));
      throw error;
    }
    this.observe(started, operation, result);
    return result;
  }

  private start(client: V2ClientLike, body: unknown, operation: Operation): Started | undefined {
    try {
      if (!isObject(body)) return undefined;
      const telemetry = this.telemetry;
      const capture = telemetry.captureMessageContent;
      const call = telemetry.startCall(operation.request(body, targetOf(client), capture));
      return { call, capture };
    } catch (error) {
      diag.debug('llmtel cohere: could not start a span; calling the SDK uninstrumented', error);
      return undefined;
    }
  }

  /**
   * Observes the result without changing it. 8.x: the `HttpResponsePromise`'s `innerPromise` (`{ data, rawResponse }`)
   * is observed, not its `then`, because the app may read the result through `withRawResponse()`, which never goes
   * through `then`; the observer is the first reaction on it, so a stream is instrumented before the app can iterate.
   * 7.x: a plain promise.
   */
  private observe(started: Started, operation: Operation, result: unknown): void {
    const { call } = started;
    try {
      const onError = (error: unknown) => call.fail(telemetryError(error));
      if (isHttpResponsePromise(result)) {
        result.innerPromise.then((inner) => this.onResult(started, operation, inner?.data), onError);
      } else if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
        (result as PromiseLike<unknown>).then((value) => this.onResult(started, operation, value), onError);
      } else {
        this.onResult(started, operation, result);
      }
    } catch (error) {
      diag.debug('llmtel cohere: could not observe a response', error);
      call.end();
    }
  }

  private onResult(started: Started, operation: Operation, value: unknown): void {
    const { call, capture } = started;
    try {
      if (!operation.streaming) {
        call.end(operation.response(value, capture));
        return;
      }
      if (!observeStream(value, call, operation.stream(capture))) call.end();
    } catch (error) {
      diag.debug('llmtel cohere: could not read a response', error);
      call.end();
    }
  }
}

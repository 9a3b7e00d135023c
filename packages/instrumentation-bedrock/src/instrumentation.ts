import { context, diag, type Attributes } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped } from '@opentelemetry/instrumentation';
import { type GenAiCall, type GenAiTelemetry, telemetryFromConfig } from '@llmtel/core';
import { ensureAttemptMiddleware, withCallState } from './attempts.js';
import { converseOperation, converseStreamOperation } from './converse.js';
import type {
  AbortSignalLike,
  CallState,
  ClientLike,
  CommandLike,
  Operation,
  Prepared,
  SendMethod,
} from './internal-types.js';
import { invokeModelOperation, invokeModelStreamOperation } from './invoke.js';
import { ATTR_AWS_REQUEST_ID, ATTR_HTTP_REQUEST_RESEND_COUNT } from './semconv.js';
import { observeEventStream } from './stream.js';
import { targetOf } from './target.js';
import type { BedrockInstrumentationConfig } from './types.js';
import { isObject } from './utils.js';

export const PACKAGE_NAME = '@llmtel/instrumentation-bedrock';
export const PACKAGE_VERSION = '0.1.0';
/**
 * The `@aws-sdk/client-bedrock-runtime` versions this instrumentation was written and tested against: 3.600 (the
 * first releases with Converse were 3.57x) to the current 3.1164; the client and command shapes it relies on have
 * not changed in between.
 */
export const SUPPORTED_VERSIONS = ['>=3.600.0 <4'];

/** The commands that make a model generate, by export name. Other commands (guardrails, async jobs) pass through. */
const COMMANDS: readonly (readonly [string, Operation])[] = [
  ['ConverseCommand', converseOperation],
  ['ConverseStreamCommand', converseStreamOperation],
  ['InvokeModelCommand', invokeModelOperation],
  ['InvokeModelWithResponseStreamCommand', invokeModelStreamOperation],
];

type CommandClass = abstract new (...args: never[]) => unknown;

interface Patchable {
  send: SendMethod;
}

/** A call that the instrumentation started and must see to its end. */
interface Started {
  call: GenAiCall;
  state: CallState;
  prepared: Prepared;
  /** The `abortSignal` passed in the send options (a DOM `AbortSignal` or the SDK's own). */
  signal?: AbortSignalLike;
}

/** Marks a wrapper whose original was inherited; `Symbol.for`, so that either copy of this package can unwrap it. */
const INHERITED = Symbol.for('llmtel.bedrock.inheritedSend');

function clientPrototype(moduleExports: unknown): Patchable | undefined {
  const exports = moduleExports as { BedrockRuntimeClient?: { prototype?: Patchable } } | undefined;
  const proto = exports?.BedrockRuntimeClient?.prototype;
  return typeof proto?.send === 'function' ? proto : undefined;
}

function commandClasses(moduleExports: unknown): [CommandClass, Operation][] {
  const exports = (moduleExports ?? {}) as Record<string, unknown>;
  const out: [CommandClass, Operation][] = [];
  for (const [name, operation] of COMMANDS) {
    const cls = exports[name];
    if (typeof cls === 'function') out.push([cls as CommandClass, operation]);
  }
  return out;
}

/**
 * OpenTelemetry instrumentation of `@aws-sdk/client-bedrock-runtime` (3.600 to 3.x): one CLIENT span per call of
 * `ConverseCommand`, `ConverseStreamCommand`, `InvokeModelCommand` and `InvokeModelWithResponseStreamCommand`,
 * however it is sent (`client.send`, the aggregated `BedrockRuntime` client's methods, promise or callback), with
 * the SDK's own retries inside it.
 */
export class BedrockInstrumentation extends InstrumentationBase<BedrockInstrumentationConfig> {
  // `declare`: the base constructor calls setConfig(), which sets this; a field initializer would reset it.
  declare private telemetry: GenAiTelemetry;

  constructor(config: BedrockInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  override setConfig(config: BedrockInstrumentationConfig = {}): void {
    const telemetry = telemetryFromConfig(config, { tracer: () => this.tracer, meter: () => this.meter });
    super.setConfig(config);
    this.telemetry = telemetry;
  }

  protected init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      '@aws-sdk/client-bedrock-runtime',
      SUPPORTED_VERSIONS,
      (moduleExports: unknown) => this.patch(moduleExports),
      (moduleExports: unknown) => this.unpatch(moduleExports),
    );
  }

  /**
   * Wraps `BedrockRuntimeClient.prototype.send`, which every command of every client goes through. The package has
   * one build for Node (CommonJS: its `module` field is for bundlers), so `require` and `import` reach the same class;
   * when both hooks report it, the second patch finds `send` already wrapped and leaves it.
   */
  private patch(moduleExports: unknown): unknown {
    const proto = clientPrototype(moduleExports);
    const commands = commandClasses(moduleExports);
    if (proto === undefined || commands.length === 0) {
      this._diag.debug('bedrock: BedrockRuntimeClient or its commands were not found; the SDK layout may have changed');
      return moduleExports;
    }
    if (Object.hasOwn(proto, 'send') && isWrapped(proto.send)) return moduleExports;
    wrapSend(proto, (original) => this.wrapSend(original, commands));
    return moduleExports;
  }

  private unpatch(moduleExports: unknown): void {
    const proto = clientPrototype(moduleExports);
    if (proto !== undefined) unwrapSend(proto);
  }

  private wrapSend(original: SendMethod, commands: [CommandClass, Operation][]): SendMethod {
    const start = (client: ClientLike, command: unknown, operation: Operation) =>
      this.start(client, command, operation);
    return function send(this: ClientLike, command: unknown, ...rest: unknown[]): unknown {
      let operation: Operation | undefined;
      for (const [cls, op] of commands) {
        if (command instanceof cls) {
          operation = op;
          break;
        }
      }
      const started = operation === undefined ? undefined : start(this, command, operation);
      if (started === undefined) return original.call(this, command, ...rest);
      return run(started, this, original, command, rest);
    };
  }

  private start(client: ClientLike, command: unknown, operation: Operation): Started | undefined {
    try {
      const input = (command as CommandLike | null)?.input;
      if (!isObject(input)) return undefined;
      ensureAttemptMiddleware(client);
      const target = targetOf(client);
      const prepared = operation.prepare(input, target, this.telemetry.captureMessageContent);
      const call = this.telemetry.startCall(prepared.request);
      const state: CallState = {
        call,
        client,
        input,
        attempts: 0,
        failure: undefined,
        headers: undefined,
        hasTarget: target.serverAddress !== undefined,
      };
      return { call, state, prepared };
    } catch (error) {
      diag.debug('llmtel bedrock: could not start a span; calling the SDK uninstrumented', error);
      return undefined;
    }
  }
}

/** Sends the command inside the call's context, and ends the call with the outcome (promise or callback). */
function run(started: Started, client: ClientLike, original: SendMethod, command: unknown, rest: unknown[]): unknown {
  const { call, state } = started;
  const options = rest[0] as { abortSignal?: unknown } | undefined;
  const signal = isObject(options) ? options.abortSignal : undefined;
  if (isObject(signal) && typeof signal.aborted === 'boolean') started.signal = signal as unknown as AbortSignalLike;
  const last = rest.length - 1;
  const callback =
    last >= 0 && typeof rest[last] === 'function' ? (rest[last] as (...a: unknown[]) => unknown) : undefined;
  let args = rest;
  if (callback !== undefined) {
    args = rest.slice();
    args[last] = function observedCallback(this: unknown, error: unknown, output: unknown) {
      if (error !== null && error !== undefined) failed(started, error);
      else succeeded(started, output);
      return callback.call(this, error, output);
    };
  }
  let result: unknown;
  try {
    // Transport spans become the call's children; the attempt middleware finds the call in this context.
    result = context.with(withCallState(call.context, state), () => original.call(client, command, ...args));
  } catch (error) {
    call.fail(error);
    throw error;
  }
  if (callback !== undefined) return result;
  if (typeof (result as Promise<unknown> | undefined)?.then !== 'function') {
    call.end();
    return result;
  }
  return (result as Promise<unknown>).then(
    (output) => {
      succeeded(started, output);
      return output;
    },
    (error: unknown) => {
      failed(started, error);
      throw error;
    },
  );
}

/** `aws.request_id`, and the resend count when the SDK retried. */
function metadataAttributes(state: CallState, source: unknown): Attributes {
  const attributes: Attributes = {};
  const metadata =
    isObject(source) || source instanceof Error ? (source as { $metadata?: unknown }).$metadata : undefined;
  let attempts = state.attempts;
  if (isObject(metadata)) {
    if (typeof metadata.requestId === 'string') attributes[ATTR_AWS_REQUEST_ID] = metadata.requestId;
    if (typeof metadata.attempts === 'number') attempts = Math.max(attempts, metadata.attempts);
  }
  if (attempts > 1) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = attempts - 1;
  return attributes;
}

function succeeded(started: Started, output: unknown): void {
  const { call, state, prepared } = started;
  try {
    const attributes = metadataAttributes(state, output);
    if (prepared.events !== undefined && prepared.streamKey !== undefined && isObject(output)) {
      const observed = { call, reader: prepared.events(), attributes, signal: started.signal };
      if (observeEventStream(output, prepared.streamKey, observed)) return;
    }
    const response = prepared.response(isObject(output) ? output : {}, state.headers);
    response.attributes = { ...response.attributes, ...attributes };
    call.end(response);
  } catch (error) {
    diag.debug('llmtel bedrock: could not read a response', error);
    call.end();
  }
}

function failed(started: Started, error: unknown): void {
  const { call, state } = started;
  let attributes: Attributes | undefined;
  try {
    attributes = metadataAttributes(state, error);
  } catch (err) {
    diag.debug('llmtel bedrock: could not read a failed response', err);
  }
  call.fail(error, { attributes });
}

type Wrapped = SendMethod & {
  __original?: SendMethod;
  __unwrap?: () => void;
  __wrapped?: boolean;
  [INHERITED]?: boolean;
};

/**
 * Defines `send` on the client's own prototype. The SDK inherits it from smithy's `Client`: the wrapper then looks
 * the parent's `send` up at each call (so that an instrumentation patching the parent later, such as
 * `@opentelemetry/instrumentation-aws-sdk`, still runs, nested inside this span), and unwrapping deletes it again.
 */
function wrapSend(proto: Patchable, wrap: (original: SendMethod) => SendMethod): void {
  const own = Object.hasOwn(proto, 'send');
  const original = proto.send;
  const parent = Object.getPrototypeOf(proto) as Patchable;
  const target: SendMethod = own
    ? original
    : function inheritedSend(this: ClientLike, ...args: Parameters<SendMethod>) {
        return parent.send.apply(this, args);
      };
  const wrapped = wrap(target) as Wrapped;
  wrapped.__original = original;
  wrapped.__unwrap = () => unwrapSend(proto);
  wrapped.__wrapped = true;
  wrapped[INHERITED] = !own;
  Object.defineProperty(proto, 'send', { value: wrapped, configurable: true, writable: true, enumerable: false });
}

function unwrapSend(proto: Patchable): void {
  if (!Object.hasOwn(proto, 'send')) return;
  const current = proto.send as Wrapped;
  if (!isWrapped(current) || current.__original === undefined) return;
  if (current[INHERITED] === true) delete (proto as Partial<Patchable>).send;
  else Object.defineProperty(proto, 'send', { value: current.__original, configurable: true, writable: true });
}

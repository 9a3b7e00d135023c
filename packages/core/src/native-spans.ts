import {
  context as otelContext,
  trace,
  type Attributes,
  type AttributeValue,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { processSingleton } from './global.js';
import * as sc from './semconv.js';
import type { GenAiCall } from './telemetry.js';

/**
 * Provider SDKs have started to trace themselves (`@anthropic-ai/sdk` from 0.134 starts a CLIENT span per API call
 * as soon as a global tracer provider is registered). Next to an llmtel instrumentation that would make two spans
 * per provider request, and two spans carrying `gen_ai.usage.*` are counted twice by anything that sums them.
 *
 * The mechanism here keeps it at one span without turning the SDK's tracing off behind the user's back: the
 * instrumentation wraps the SDK client's tracer ({@link interceptNativeSpans}) and, around each call it instruments,
 * puts a {@link NativeSpanClaim} in effect ({@link runWithNativeSpanClaim}). When the SDK starts its GenAI span for
 * that call, it is handed a stand-in for the llmtel call's span instead of a span of its own:
 *
 * - `merge` (default): the stand-in records what the SDK records (HTTP status, request id, URL, resend count, its
 *   content when the user asked the SDK for it, ...) onto the llmtel span, except the attributes llmtel owns
 *   ({@link LLMTEL_OWNED_ATTRIBUTES}), status and name, so cost, tokens, metrics and span attributes always agree.
 * - `suppress`: the stand-in records nothing; the SDK still propagates the trace context, now the llmtel span's.
 *
 * Either way the SDK's HTTP requests run with the llmtel span active, and its trace headers name that span. An SDK
 * with its tracing turned off never starts a span, so nothing changes for it.
 */
export type NativeSpanMode = 'merge' | 'suppress';

export const NATIVE_SPAN_MODES: readonly NativeSpanMode[] = ['merge', 'suppress'];
export const DEFAULT_NATIVE_SPAN_MODE: NativeSpanMode = 'merge';

/** The mode set in code, else the default. A value that is not a mode throws: it is a programming error. */
export function resolveNativeSpanMode(code: unknown): NativeSpanMode {
  if (code === undefined) return DEFAULT_NATIVE_SPAN_MODE;
  if (code === 'merge' || code === 'suppress') return code;
  throw new RangeError(`nativeSpans must be one of ${NATIVE_SPAN_MODES.join(', ')}; got ${JSON.stringify(code)}`);
}

/**
 * Attributes the llmtel call writes itself. A merged SDK span never overwrites them: the llmtel values are the ones
 * cost, metrics and the usage pipeline are computed from (the SDK's `error.type`, for instance, can differ).
 */
export const LLMTEL_OWNED_ATTRIBUTES: ReadonlySet<string> = new Set([
  sc.ATTR_GEN_AI_OPERATION_NAME,
  sc.ATTR_GEN_AI_PROVIDER_NAME,
  sc.ATTR_GEN_AI_REQUEST_MODEL,
  sc.ATTR_GEN_AI_RESPONSE_ID,
  sc.ATTR_GEN_AI_RESPONSE_MODEL,
  sc.ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  sc.ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  sc.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  sc.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  sc.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  sc.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  sc.ATTR_ERROR_TYPE,
  sc.ATTR_SERVER_ADDRESS,
  sc.ATTR_SERVER_PORT,
  sc.ATTR_USER_ID,
  sc.ATTR_GEN_AI_AGENT_NAME,
  sc.ATTR_LLMTEL_USAGE_COST_USD,
  sc.ATTR_LLMTEL_USAGE_ESTIMATED,
  sc.ATTR_LLMTEL_USAGE_BILLABLE,
  sc.ATTR_LLMTEL_TENANT_ID,
]);

const CONTENT_ATTRIBUTES: ReadonlySet<string> = new Set([
  sc.ATTR_GEN_AI_INPUT_MESSAGES,
  sc.ATTR_GEN_AI_OUTPUT_MESSAGES,
  sc.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
]);

export interface NativeSpanClaimOptions {
  mode: NativeSpanMode;
  /**
   * Starts the llmtel call for the request; called at most once, by the first of {@link NativeSpanClaim.start} and
   * the SDK starting its span (an SDK helper may start its span before the instrumented method runs).
   */
  startCall: () => GenAiCall;
  /** Which instrumented API the claim is for; an instrumented method only binds claims of its own kind. */
  kind: string;
  /**
   * llmtel records message content on the call: the SDK's content attributes are then dropped, so the two formats
   * never mix on one span. When false, content the user asked the SDK for is kept.
   */
  ownsContent?: boolean;
}

/** What an interceptor needs from a claim; duck-typed so that the ESM and CJS copies of this module agree. */
interface ClaimLike {
  adopt(options: SpanOptions | undefined): Span | undefined;
}

/**
 * One provider request that an llmtel instrumentation makes a span for, and the SDK must not make a second one for.
 * See {@link NativeSpanMode}.
 */
export class NativeSpanClaim implements ClaimLike {
  readonly mode: NativeSpanMode;
  readonly kind: string;
  private readonly startCallFn: () => GenAiCall;
  private readonly ownsContent: boolean;
  private current: GenAiCall | undefined;
  private isBound = false;
  private adopted = false;
  /** The SDK holds a recording stand-in it has not ended yet. */
  private sdkHolding = false;
  private isSettled = false;
  private pending: (() => void) | undefined;

  constructor(options: NativeSpanClaimOptions) {
    this.mode = options.mode;
    this.kind = options.kind;
    this.startCallFn = options.startCall;
    this.ownsContent = options.ownsContent ?? false;
  }

  /** The llmtel call, once started. */
  get call(): GenAiCall | undefined {
    return this.current;
  }

  /** The call's outcome was handed to {@link settle}. */
  get settled(): boolean {
    return this.isSettled;
  }

  /** Starts the llmtel call, or returns the one already started. */
  start(): GenAiCall {
    return (this.current ??= this.startCallFn());
  }

  /**
   * Marks the claim as taken by the instrumented method call that makes the request. True only the first time: a
   * later call of the method in the same context is a request of its own.
   */
  bind(): boolean {
    if (this.isBound) return false;
    this.isBound = true;
    return true;
  }

  /**
   * The span to hand to the SDK in place of the GenAI span it is starting for this request; undefined when the claim
   * already handed one out (or its call has settled), so that the SDK's other spans are left alone.
   */
  adopt(options: SpanOptions | undefined): Span | undefined {
    if (this.adopted || this.isSettled) return undefined;
    this.adopted = true;
    const span = this.start().span;
    if (this.mode !== 'merge' || !span.isRecording()) return new NativeSpanStandIn(span, undefined);
    this.sdkHolding = true;
    const standIn = new NativeSpanStandIn(span, this);
    if (options?.attributes) standIn.setAttributes(options.attributes);
    return standIn;
  }

  /**
   * Runs `finish` (the call's `end` or `fail`) once the SDK is done with the stand-in it was handed, so that what the
   * SDK records as it ends its span (status code, response headers) lands before the llmtel span ends. The SDK ends
   * its span in the same turn of the event loop as the response is parsed or the stream read, so the wait is
   * bounded: `finish` runs at the latest on the next `setImmediate`. Only the first call counts.
   */
  settle(finish: () => void): void {
    if (this.isSettled) return;
    this.isSettled = true;
    if (!this.sdkHolding) {
      finish();
      return;
    }
    this.pending = finish;
    setImmediate(() => this.flush());
  }

  /** @internal the stand-in was ended by the SDK */
  released(): void {
    this.sdkHolding = false;
    this.flush();
  }

  /** @internal whether the SDK may write `key` onto the llmtel span */
  accepts(key: string): boolean {
    return !LLMTEL_OWNED_ATTRIBUTES.has(key) && !(this.ownsContent && CONTENT_ATTRIBUTES.has(key));
  }

  private flush(): void {
    const finish = this.pending;
    this.pending = undefined;
    finish?.();
  }
}

/**
 * What the SDK gets instead of its own span. It shares the llmtel span's context, so the SDK's trace headers and the
 * spans of its HTTP requests point at the llmtel span. With a claim (merge mode) it forwards the SDK's attributes,
 * events and links until the SDK ends it; name, status and exceptions stay llmtel's. Without one it records nothing.
 */
class NativeSpanStandIn implements Span {
  private readonly target: Span;
  private readonly claim: NativeSpanClaim | undefined;
  private ended = false;

  constructor(target: Span, claim: NativeSpanClaim | undefined) {
    this.target = target;
    this.claim = claim;
  }

  spanContext(): SpanContext {
    return this.target.spanContext();
  }

  isRecording(): boolean {
    return this.claim !== undefined && !this.ended && this.target.isRecording();
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (this.isRecording() && this.claim!.accepts(key)) this.target.setAttribute(key, value);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    if (!this.isRecording()) return this;
    const kept: Attributes = {};
    for (const [key, value] of Object.entries(attributes)) {
      if (this.claim!.accepts(key)) kept[key] = value;
    }
    this.target.setAttributes(kept);
    return this;
  }

  addEvent(...args: Parameters<Span['addEvent']>): this {
    if (this.isRecording()) this.target.addEvent(...args);
    return this;
  }

  addLink(link: Link): this {
    if (this.isRecording()) this.target.addLink(link);
    return this;
  }

  addLinks(links: Link[]): this {
    if (this.isRecording()) this.target.addLinks(links);
    return this;
  }

  setStatus(): this {
    return this;
  }

  updateName(): this {
    return this;
  }

  recordException(): void {
    // The llmtel call records the failure it sees; a second exception event would repeat it.
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.claim?.released();
  }
}

/** A `Symbol.for` key so that claims put in effect by one copy of this module are seen by the other. */
const CLAIM_KEY = Symbol.for('llmtel.nativeSpans.claim');
const INTERCEPTING = Symbol.for('llmtel.nativeSpans.intercepting');

/** The claim in effect during the synchronous run of an instrumented method, process-wide (ESM and CJS copies). */
const syncSlot = (): { current: ClaimLike | undefined } =>
  processSingleton('nativeSpans.current', () => ({ current: undefined as ClaimLike | undefined }));

function asClaim(value: unknown): ClaimLike | undefined {
  return typeof value === 'object' && value !== null && typeof (value as ClaimLike).adopt === 'function'
    ? (value as ClaimLike)
    : undefined;
}

/**
 * The claim in effect: the one of the instrumented method running right now (an SDK that has no context manager to
 * rely on still starts its span synchronously inside the method), else the one in `ctx`.
 */
export function activeNativeSpanClaim(ctx: Context = otelContext.active()): NativeSpanClaim | undefined {
  return (syncSlot().current ?? asClaim(ctx.getValue(CLAIM_KEY))) as NativeSpanClaim | undefined;
}

/**
 * Runs `fn` (the SDK's own method) with `claim` in effect, in `ctx` (usually the llmtel call's context, so that the
 * SDK's requests are children of the llmtel span).
 */
export function runWithNativeSpanClaim<T>(claim: NativeSpanClaim, ctx: Context, fn: () => T): T {
  return otelContext.with(ctx.setValue(CLAIM_KEY, claim), () => {
    const slot = syncSlot();
    const previous = slot.current;
    slot.current = claim;
    try {
      return fn();
    } finally {
      slot.current = previous;
    }
  });
}

/** Which spans a provider SDK starts for the requests the instrumentation makes its own span for. */
export type NativeSpanMatcher = (name: string, options: SpanOptions | undefined) => boolean;

/** The tracer was returned by {@link interceptNativeSpans}. */
export function isInterceptingTracer(tracer: unknown): boolean {
  return typeof tracer === 'object' && tracer !== null && (tracer as Record<symbol, unknown>)[INTERCEPTING] === true;
}

/**
 * Wraps a provider SDK's tracer: a span that `matches` and starts while a claim is in effect is replaced by the
 * claim's stand-in; every other span (the SDK's other endpoints, calls made while the instrumentation is disabled)
 * is the SDK's own, unchanged. Wrapping an already wrapped tracer returns it as it is.
 */
export function interceptNativeSpans(tracer: Tracer, matches: NativeSpanMatcher): Tracer {
  if (isInterceptingTracer(tracer)) return tracer;
  return new InterceptingTracer(tracer, matches);
}

class InterceptingTracer implements Tracer {
  readonly [INTERCEPTING] = true;
  private readonly target: Tracer;
  private readonly matches: NativeSpanMatcher;

  constructor(target: Tracer, matches: NativeSpanMatcher) {
    this.target = target;
    this.matches = matches;
  }

  startSpan(name: string, options?: SpanOptions, ctx: Context = otelContext.active()): Span {
    if (this.matches(name, options)) {
      const standIn = activeNativeSpanClaim(ctx)?.adopt(options);
      if (standIn !== undefined) return standIn;
    }
    return this.target.startSpan(name, options, ctx);
  }

  readonly startActiveSpan = ((name: string, ...args: unknown[]): unknown => {
    const fn = args[args.length - 1] as (span: Span) => unknown;
    const options = args.length >= 2 ? (args[0] as SpanOptions | undefined) : undefined;
    const ctx = (args.length >= 3 ? (args[1] as Context | undefined) : undefined) ?? otelContext.active();
    const span = this.startSpan(name, options, ctx);
    return otelContext.with(trace.setSpan(ctx, span), fn, undefined, span);
  }) as Tracer['startActiveSpan'];
}

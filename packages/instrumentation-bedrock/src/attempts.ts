import { context, diag, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_LLMTEL_USAGE_BILLABLE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  errorTypeOf,
} from '@llmtel/core';
import type {
  AttemptFailure,
  CallState,
  ClientLike,
  HttpRequestLike,
  HttpResponseLike,
  MiddlewareStackLike,
} from './internal-types.js';
import {
  ATTR_AWS_REQUEST_ID,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_LLMTEL_RETRY_ATTEMPT,
  EVENT_RETRY,
} from './semconv.js';
import { rememberTarget } from './target.js';
import { isObject } from './utils.js';

/**
 * The SDK retries inside one `send()` (throttling, 5xx, a signature rejected for clock skew, ...): the span covers
 * the whole call, and this middleware, added to each client's stack, sees every attempt. It sits in the `deserialize`
 * step ahead of the SDK's deserializer, below the retry middleware (`finalizeRequest`), so it runs once per attempt
 * with the raw HTTP response (whose `x-amzn-bedrock-*-token-count` headers the output does not expose) or the
 * attempt's error. It finds its call through the active context, which `send()` runs in; it does nothing for calls
 * that are not instrumented.
 */

/** A `Symbol.for` key: the ESM and CJS copies of this package must find each other's calls. */
const CALL_STATE_KEY = Symbol.for('llmtel.bedrock.callState');
const STACKS_KEY = Symbol.for('llmtel.bedrock.instrumentedStacks');
export const ATTEMPT_MIDDLEWARE_NAME = 'llmtelBedrockAttempts';

interface AttemptArgs {
  input?: unknown;
  request?: HttpRequestLike;
}

interface AttemptResult {
  response?: HttpResponseLike;
}

type Next = (args: AttemptArgs) => Promise<AttemptResult>;

export function withCallState(ctx: Context, state: CallState): Context {
  return ctx.setValue(CALL_STATE_KEY, state);
}

function activeState(): CallState | undefined {
  return context.active().getValue(CALL_STATE_KEY) as CallState | undefined;
}

const attemptMiddleware =
  (next: Next) =>
  async (args: AttemptArgs): Promise<AttemptResult> => {
    const state = activeState();
    if (state === undefined || (args.input !== undefined && args.input !== state.input)) return next(args);
    try {
      beforeAttempt(state, args.request);
    } catch (err) {
      diag.debug('llmtel bedrock: could not record an attempt', err);
    }
    let result: AttemptResult;
    try {
      result = await next(args);
    } catch (error) {
      state.failure = failureOf(error);
      throw error;
    }
    state.headers = isObject(result?.response) ? (result.response.headers as CallState['headers']) : undefined;
    return result;
  };

/** Stacks already carrying the middleware; process-wide, so that two copies of this package add it once. */
function instrumentedStacks(): WeakSet<object> {
  const g = globalThis as Record<symbol, WeakSet<object> | undefined>;
  return (g[STACKS_KEY] ??= new WeakSet<object>());
}

/** Adds the attempt middleware to a client's stack, once. */
export function ensureAttemptMiddleware(client: ClientLike): void {
  const stack: MiddlewareStackLike | undefined = client.middlewareStack;
  if (stack === undefined || typeof stack.add !== 'function') return;
  const stacks = instrumentedStacks();
  if (stacks.has(stack)) return;
  stacks.add(stack);
  try {
    stack.add(attemptMiddleware, {
      step: 'deserialize',
      priority: 'high',
      name: ATTEMPT_MIDDLEWARE_NAME,
      override: true,
      tags: ['LLMTEL'],
    });
  } catch (err) {
    diag.debug('llmtel bedrock: could not add the attempt middleware; retries and usage headers are not seen', err);
  }
}

function beforeAttempt(state: CallState, request: HttpRequestLike | undefined): void {
  state.attempts++;
  const span = state.call.span;
  const failure = state.failure;
  if (failure !== undefined) {
    state.failure = undefined;
    const attributes: Attributes = {
      [ATTR_LLMTEL_RETRY_ATTEMPT]: state.attempts - 1,
      [ATTR_ERROR_TYPE]: failure.errorType,
    };
    if (failure.statusCode !== undefined) attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = failure.statusCode;
    if (failure.requestId !== undefined) attributes[ATTR_AWS_REQUEST_ID] = failure.requestId;
    span.addEvent(EVENT_RETRY, attributes);
  }
  if (state.attempts !== 1) return;
  const target = rememberTarget(state.client, request);
  if (!state.hasTarget && target !== undefined) {
    span.setAttribute(ATTR_SERVER_ADDRESS, target.serverAddress!);
    if (target.serverPort !== undefined) span.setAttribute(ATTR_SERVER_PORT, target.serverPort);
  }
  markNestedGenAiSpan(span);
}

/**
 * Another instrumentation of the AWS SDK (`@opentelemetry/instrumentation-aws-sdk`) starts its own span for the same
 * request inside this call, and for Bedrock it carries `gen_ai.*` attributes too. This call's span is the billable
 * one: the nested span is marked `llmtel.usage.billable=false` so that usage pipelines counting GenAI spans without
 * the flag do not count the request twice.
 */
function markNestedGenAiSpan(own: Span): void {
  const active = trace.getSpan(context.active());
  if (active === undefined || active === own || !active.isRecording()) return;
  if (active.spanContext().spanId === own.spanContext().spanId) return;
  const attributes = (active as { attributes?: unknown }).attributes;
  if (!isObject(attributes) || ATTR_LLMTEL_USAGE_BILLABLE in attributes) return;
  if (Object.keys(attributes).some((key) => key.startsWith('gen_ai.'))) {
    active.setAttribute(ATTR_LLMTEL_USAGE_BILLABLE, false);
  }
}

const ERROR_CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * `error.type` of an AWS error: its `name` is the service's error code (`ThrottlingException`,
 * `InvalidSignatureException`) even when the SDK has no class of that name for it.
 */
function awsErrorType(error: unknown): string {
  const name = isObject(error) || error instanceof Error ? (error as { name?: unknown }).name : undefined;
  if (typeof name === 'string' && name !== 'Error' && ERROR_CODE.test(name)) return name;
  return errorTypeOf(error);
}

function failureOf(error: unknown): AttemptFailure {
  try {
    const failure: AttemptFailure = { errorType: awsErrorType(error) };
    const metadata =
      isObject(error) || error instanceof Error ? (error as { $metadata?: unknown }).$metadata : undefined;
    if (isObject(metadata)) {
      if (typeof metadata.httpStatusCode === 'number') failure.statusCode = metadata.httpStatusCode;
      if (typeof metadata.requestId === 'string') failure.requestId = metadata.requestId;
    }
    return failure;
  } catch {
    return { errorType: '_OTHER' };
  }
}

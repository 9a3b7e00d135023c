import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { diag } from '@opentelemetry/api';
import { resolveCaptureMessageContent } from '@llmtel/core';
import type { AiSdkTelemetryOptions, AiSdkTelemetryRegistration } from './types.js';
import { isVersionInRange } from './utils.js';

/** AI SDK releases that trace only through registered integrations (v7 on); v5 and v6 trace by themselves. */
export const AI_SDK_MIN_VERSION = [7, 0, 0] as const;
export const AI_SDK_BELOW_MAJOR = 8;
/** `@ai-sdk/otel` releases whose `OpenTelemetry` class this registers. */
export const AI_SDK_OTEL_MIN_VERSION = [1, 0, 0] as const;
export const AI_SDK_OTEL_BELOW_MAJOR = 2;

/** Marks the integration registered here, across the ESM and CJS copies of this package. */
const REGISTERED = Symbol.for('llmtel.vercel-ai.registeredTelemetry');

/** `@ai-sdk/otel`'s integrations: each one produces a full set of AI SDK spans. */
const AI_SDK_OTEL_CLASSES: ReadonlySet<string> = new Set(['OpenTelemetry', 'LegacyOpenTelemetry']);

type Method = (...args: unknown[]) => unknown;
type Integration = Record<PropertyKey, unknown>;

/**
 * The AI SDK's global integration list, which its `registerTelemetry()` appends to and every call without its own
 * `telemetry.integrations` reads as it starts. Written here directly, as `registerTelemetry` does, so that the AI
 * SDK itself is not loaded at start-up.
 */
function globalIntegrations(create: boolean): unknown[] | undefined {
  const holder = globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown };
  if (holder.AI_SDK_TELEMETRY_INTEGRATIONS === undefined && create) holder.AI_SDK_TELEMETRY_INTEGRATIONS = [];
  const list = holder.AI_SDK_TELEMETRY_INTEGRATIONS;
  return Array.isArray(list) ? list : undefined;
}

function isRegisteredHere(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Integration)[REGISTERED] === true;
}

/** An instance of `@ai-sdk/otel`'s `OpenTelemetry` or `LegacyOpenTelemetry` (or of a subclass), from any copy. */
function isAiSdkOtelIntegration(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || isRegisteredHere(value)) return false;
  for (let proto = Object.getPrototypeOf(value) as object | null; proto !== null && proto !== Object.prototype;) {
    const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as { name?: unknown } | undefined;
    if (typeof ctor?.name === 'string' && AI_SDK_OTEL_CLASSES.has(ctor.name)) return true;
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return false;
}

/** The app registered `@ai-sdk/otel` itself: its integration gives the AI SDK spans, so ours must give none. */
function appRegisteredItsOwn(): boolean {
  return globalIntegrations(false)?.some(isAiSdkOtelIntegration) ?? false;
}

function packageVersion(appRequire: NodeJS.Require, name: string): string | undefined {
  try {
    const version = (appRequire(`${name}/package.json`) as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** Where the app's own imports resolve from: its entry script's directory, then the working directory. */
function appDirectories(resolveFrom: string | undefined): string[] {
  if (resolveFrom !== undefined) return [resolve(resolveFrom)];
  const entry = process.argv[1];
  const dirs = entry ? [dirname(resolve(entry))] : [];
  if (!dirs.includes(process.cwd())) dirs.push(process.cwd());
  return dirs;
}

/** A `require` from the first app directory that resolves `ai`, when that `ai` and its `@ai-sdk/otel` fit. */
function findAiSdk(resolveFrom: string | undefined): NodeJS.Require | undefined {
  for (const dir of appDirectories(resolveFrom)) {
    const appRequire = createRequire(join(dir, 'llmtel-resolve.js'));
    const ai = packageVersion(appRequire, 'ai');
    if (ai === undefined) continue;
    if (!isVersionInRange(ai, AI_SDK_MIN_VERSION, AI_SDK_BELOW_MAJOR)) {
      // v5 and v6 trace through `experimental_telemetry` without a registration; a newer release is not known yet.
      if (isVersionInRange(ai, [0, 0, 0], AI_SDK_MIN_VERSION[0])) {
        diag.debug(`llmtel: ai ${ai} traces without a telemetry registration`);
      } else {
        diag.warn(`llmtel: ai ${ai} is not supported for automatic telemetry registration; register it yourself`);
      }
      return undefined;
    }
    const otel = packageVersion(appRequire, '@ai-sdk/otel');
    if (otel === undefined) {
      diag.info(`llmtel: ai ${ai} is installed without @ai-sdk/otel; install it to trace AI SDK calls`);
      return undefined;
    }
    if (!isVersionInRange(otel, AI_SDK_OTEL_MIN_VERSION, AI_SDK_OTEL_BELOW_MAJOR)) {
      diag.warn(`llmtel: @ai-sdk/otel ${otel} is not supported for automatic registration; register it yourself`);
      return undefined;
    }
    diag.debug(`llmtel: registering @ai-sdk/otel ${otel} telemetry for ai ${ai}`);
    return appRequire;
  }
  diag.debug('llmtel: ai is not installed; no AI SDK telemetry to register');
  return undefined;
}

/**
 * Passes `false` for the content settings a call leaves unset, so content is recorded only where the app asks. The
 * AI SDK hands every integration hook an event carrying the call's `recordInputs` / `recordOutputs` (set or not);
 * anything else passes through untouched.
 */
function withoutDefaultContent(method: Method, target: object): Method {
  return (event: unknown, ...rest: unknown[]) => {
    const isEvent =
      typeof event === 'object' &&
      event !== null &&
      (Object.hasOwn(event, 'recordInputs') || Object.hasOwn(event, 'recordOutputs'));
    if (!isEvent) return method.call(target, event, ...rest);
    const { recordInputs, recordOutputs } = event as { recordInputs?: unknown; recordOutputs?: unknown };
    // Built as the AI SDK builds its events (prototype kept), with the two settings filled in.
    const settled = Object.assign(Object.create(Object.getPrototypeOf(event) as object | null) as object, event, {
      recordInputs: recordInputs ?? false,
      recordOutputs: recordOutputs ?? false,
    });
    return method.call(target, settled, ...rest);
  };
}

/**
 * The integration put in the AI SDK's list: `@ai-sdk/otel`'s `OpenTelemetry`, created (and `@ai-sdk/otel` loaded)
 * when the first AI SDK call reads it. The AI SDK reads an integration's hooks once, as each call starts; while the
 * app has registered an `@ai-sdk/otel` integration of its own, this one has none, so that call gets one set of spans.
 */
function lazyIntegration(appRequire: NodeJS.Require, captureMessageContent: boolean): object {
  let inner: Integration | undefined;
  let failed = false;
  const methods = new Map<string, Method>();
  const load = (): Integration | undefined => {
    try {
      const otel = appRequire('@ai-sdk/otel') as { OpenTelemetry?: new () => Integration };
      if (typeof otel.OpenTelemetry !== 'function') throw new TypeError('@ai-sdk/otel has no OpenTelemetry export');
      return new otel.OpenTelemetry();
    } catch (error) {
      failed = true;
      diag.error('llmtel: could not load @ai-sdk/otel; AI SDK calls are not traced', error);
      return undefined;
    }
  };
  return new Proxy(
    {},
    {
      get(_target, key) {
        if (key === REGISTERED) return true;
        if (typeof key === 'symbol' || failed || appRegisteredItsOwn()) return undefined;
        inner ??= load();
        const value = inner?.[key];
        if (typeof value !== 'function' || inner === undefined) return value;
        let method = methods.get(key);
        if (method === undefined) {
          method = captureMessageContent
            ? (value as Method).bind(inner)
            : withoutDefaultContent(value as Method, inner);
          methods.set(key, method);
        }
        return method;
      },
    },
  );
}

/**
 * Registers `@ai-sdk/otel`'s `OpenTelemetry` integration with the AI SDK, as an app does with
 * `registerTelemetry(new OpenTelemetry())`: from v7, the AI SDK traces only through registered integrations. Does
 * nothing (returns `undefined`) unless `ai` 7.x and `@ai-sdk/otel` 1.x both resolve from the app; neither is loaded
 * before the app's first AI SDK call.
 *
 * Exactly one set of AI SDK spans: the AI SDK runs every registered integration (`registerTelemetry` appends), so
 * while the app has registered an `@ai-sdk/otel` integration itself (`OpenTelemetry` or `LegacyOpenTelemetry`, before
 * or after this), the one registered here stays silent for calls that start then. Calls with their own
 * `telemetry.integrations` use only those, and `telemetry.isEnabled: false` turns a call's telemetry off, as ever.
 *
 * Content: `@ai-sdk/otel` records prompts and completions unless a call sets `recordInputs` / `recordOutputs` to
 * false. Here, a call that sets neither records them only when `captureMessageContent` (or
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`) is true.
 */
export function registerAiSdkTelemetry(options: AiSdkTelemetryOptions = {}): AiSdkTelemetryRegistration | undefined {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  if (options.resolveFrom !== undefined && typeof options.resolveFrom !== 'string') {
    throw new TypeError('resolveFrom must be a string');
  }
  const captureMessageContent = resolveCaptureMessageContent(options.captureMessageContent);
  try {
    const appRequire = findAiSdk(options.resolveFrom);
    if (appRequire === undefined) return undefined;
    const list = globalIntegrations(true);
    if (list === undefined) {
      diag.warn('llmtel: the AI SDK telemetry registry is not an array; AI SDK telemetry not registered');
      return undefined;
    }
    if (list.some(isRegisteredHere)) {
      diag.debug('llmtel: AI SDK telemetry is already registered');
      return undefined;
    }
    const integration = lazyIntegration(appRequire, captureMessageContent);
    list.push(integration);
    return {
      unregister() {
        const current = globalIntegrations(false);
        const index = current?.indexOf(integration) ?? -1;
        if (index >= 0) current!.splice(index, 1);
      },
    };
  } catch (error) {
    diag.error('llmtel: could not register AI SDK telemetry', error);
    return undefined;
  }
}

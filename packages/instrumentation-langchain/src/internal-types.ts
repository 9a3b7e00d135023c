import type { Context, Span } from '@opentelemetry/api';
import type { GenAiCall } from '@llmtel/core';

/**
 * Structural views of the few `@langchain/core` shapes this package reads. They hold for @langchain/core 1.x
 * (checked against `callbacks/manager`, `callbacks/base`, `load/serializable` and `messages/*`); every access is
 * still guarded, so a shape change degrades to less span data, never to a broken app.
 */

export type Json = Record<string, unknown>;

/** `Serialized`: what handlers receive for the model, chain or tool of a run (`{ id: [..., 'ChatOpenAI'] }`). */
export interface SerializedLike {
  id?: unknown;
  name?: unknown;
  kwargs?: unknown;
}

/** A `BaseMessage` (or message chunk), as handed to `handleChatModelStart` and found in generations. */
export interface MessageLike {
  content?: unknown;
  name?: unknown;
  id?: unknown;
  tool_calls?: unknown;
  tool_call_id?: unknown;
  usage_metadata?: unknown;
  response_metadata?: unknown;
  additional_kwargs?: unknown;
  getType?: () => unknown;
  _getType?: () => unknown;
  type?: unknown;
}

/** One `Generation` / `ChatGeneration` of an `LLMResult`. */
export interface GenerationLike {
  text?: unknown;
  message?: MessageLike;
  generationInfo?: unknown;
}

/** `LLMResult`, handed to `handleLLMEnd`. */
export interface LLMResultLike {
  generations?: GenerationLike[][];
  llmOutput?: unknown;
}

/** `CallbackManager` (class and instance) as far as the global handler registration needs it. */
export interface CallbackManagerLike {
  handlers?: unknown[];
  addHandler(handler: unknown, inherit?: boolean): void;
  getParentRunId?: () => string | undefined;
}

export interface CallbackManagerClass {
  new (): CallbackManagerLike;
  _configureSync?: (...args: unknown[]) => unknown;
}

/** A run manager handed to `_generate`, `_streamResponseChunks`, a tool's `_call`, ... */
export interface RunManagerLike {
  runId?: unknown;
}

/** What a run is, for span naming and for how its children are parented. */
export type RunKind = 'llm' | 'chain' | 'agent' | 'tool' | 'hidden';

/** A LangChain run in flight. */
export interface RunState {
  readonly kind: RunKind;
  /** The context the run's own work (and its child runs) run in: its span set, or its parent's for hidden runs. */
  readonly context: Context;
  /** The span of a chain, agent or tool run. */
  span?: Span;
  /** The GenAI call of a chat model or LLM run. */
  readonly call?: GenAiCall;
  /** The agent this run belongs to (`lc_agent_name`, or '' for an unnamed `createAgent` agent). */
  readonly agentKey?: string;
  /** Tool run: its arguments, kept for content capture until it ends. */
  readonly toolCallId?: string;
}

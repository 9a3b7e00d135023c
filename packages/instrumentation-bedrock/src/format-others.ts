import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_GEN_AI_REQUEST_TOP_P,
  GEN_AI_OPERATION_NAME_VALUES,
  type GenAiMessage,
  isNumber,
  numberOr,
  stringOr,
  messagesText,
} from '@llmtel/core';
import type { BodyFormat, ChunkReader, ModelResult } from './internal-types.js';
import { chatMessage, chatMessages, promptMessages, textOutputMessages } from './messages.js';
import type { BedrockUsage } from './usage.js';
import { isObject, parseToolInput, setNumber, setStrings, type Json } from './utils.js';

/**
 * The other model families' InvokeModel bodies: prompt completions (Meta Llama, Mistral, DeepSeek), OpenAI-style
 * chat completions (Mistral Large, gpt-oss and others), and Cohere's Command, Command R and Embed.
 */

function sampling(body: Json, attrs: Attributes): void {
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, body.top_p);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_K, body.top_k);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_SEED, body.seed);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, body.frequency_penalty);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, body.presence_penalty);
  setStrings(attrs, ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, body.stop ?? body.stop_sequences);
}

function reasons(list: (string | undefined)[]): string[] {
  return list.filter((r): r is string => r !== undefined);
}

/** What one prompt-completion body or chunk says, whichever family's it is. */
interface PromptPiece {
  texts: string[];
  reasons: (string | undefined)[];
  input?: number;
  output?: number;
}

/**
 * Reads Meta Llama (`generation`, `prompt_token_count`, `generation_token_count`, `stop_reason`), Mistral
 * (`outputs[].text`, `outputs[].stop_reason`) and DeepSeek (`choices[].text`, `choices[].stop_reason`) bodies and
 * stream chunks; their field names do not overlap.
 */
function promptPiece(body: Json): PromptPiece {
  if (typeof body.generation === 'string' || 'generation_token_count' in body || 'prompt_token_count' in body) {
    return {
      texts: typeof body.generation === 'string' ? [body.generation] : [],
      reasons: [stringOr(body.stop_reason)],
      input: numberOr(body.prompt_token_count),
      output: numberOr(body.generation_token_count),
    };
  }
  const list = Array.isArray(body.outputs) ? body.outputs : Array.isArray(body.choices) ? body.choices : [];
  const items = list.filter(isObject);
  return {
    texts: items.map((o) => stringOr(o.text) ?? ''),
    reasons: items.map((o) => stringOr(o.stop_reason) ?? stringOr(o.finish_reason)),
  };
}

/** Prompt completions: Meta Llama, Mistral 7B / Mixtral / Mistral Large 2402, DeepSeek-R1 and unknown families. */
export const promptCompletionFormat: BodyFormat = {
  operation: GEN_AI_OPERATION_NAME_VALUES.TEXT_COMPLETION,
  requestAttributes(body) {
    const attrs: Attributes = {};
    setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_gen_len ?? body.max_tokens);
    sampling(body, attrs);
    return attrs;
  },
  inputMessages: (body) => promptMessages(body.prompt),
  response(body): ModelResult {
    const piece = promptPiece(body);
    return {
      usage: { input: piece.input, output: piece.output },
      finishReasons: reasons(piece.reasons),
      outputText: () => piece.texts.join('\n'),
      outputMessages: () => textOutputMessages(piece.texts, piece.reasons),
    };
  },
  stream(): ChunkReader {
    const pieces: string[] = [];
    let reason: string | undefined;
    const usage: BedrockUsage = {};
    return {
      add(chunk) {
        const piece = promptPiece(chunk);
        usage.input ??= piece.input;
        usage.output = piece.output ?? usage.output;
        reason = reasons(piece.reasons)[0] ?? reason;
        for (const text of piece.texts) pieces.push(text);
        return piece.texts.length > 0;
      },
      result: () => ({
        usage,
        finishReasons: reason === undefined ? [] : [reason],
        outputText: () => pieces.join(''),
        outputMessages: () => textOutputMessages([pieces.join('')], [reason]),
      }),
    };
  },
};

function chatUsage(usage: unknown): BedrockUsage | undefined {
  if (!isObject(usage)) return undefined;
  return { input: numberOr(usage.prompt_tokens), output: numberOr(usage.completion_tokens) };
}

function choiceReason(choice: Json): string | undefined {
  return stringOr(choice.finish_reason) ?? stringOr(choice.stop_reason);
}

/** OpenAI-style chat completions: Mistral Large 2407+, gpt-oss, and other `messages` bodies of unknown families. */
export const chatCompletionsFormat: BodyFormat = {
  operation: GEN_AI_OPERATION_NAME_VALUES.CHAT,
  requestAttributes(body) {
    const attrs: Attributes = {};
    setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_completion_tokens ?? body.max_tokens);
    sampling(body, attrs);
    if (isNumber(body.n) && body.n !== 1) attrs[ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = body.n;
    return attrs;
  },
  inputMessages: (body) => chatMessages(body.messages),
  response(body): ModelResult {
    const choices = Array.isArray(body.choices) ? body.choices.filter(isObject) : [];
    const outputMessages = (): GenAiMessage[] =>
      choices.map((choice) => {
        const message = chatMessage(isObject(choice.message) ? choice.message : {}, 'assistant');
        const reason = choiceReason(choice);
        if (reason !== undefined) message.finish_reason = reason;
        return message;
      });
    return {
      usage: chatUsage(body.usage),
      finishReasons: reasons(choices.map(choiceReason)),
      responseId: stringOr(body.id),
      outputText: () => messagesText(outputMessages()),
      outputMessages,
    };
  },
  stream: () => new ChatChunkReader(),
};

/** Chat chunks carry `choices[].delta` (OpenAI) or `choices[].message` (Mistral on Bedrock) with text pieces. */
class ChatChunkReader implements ChunkReader {
  private readonly texts: string[][] = [];
  private readonly calls: { id?: string; name: string; args: string[] }[][] = [];
  private readonly finish: (string | undefined)[] = [];
  private id: string | undefined;
  private usage: BedrockUsage | undefined;

  add(chunk: Json): boolean {
    this.id ??= stringOr(chunk.id);
    this.usage = chatUsage(chunk.usage) ?? this.usage;
    let output = false;
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    for (const choice of choices) {
      if (!isObject(choice)) continue;
      const index = isNumber(choice.index) ? choice.index : 0;
      this.finish[index] = choiceReason(choice) ?? this.finish[index];
      const delta = isObject(choice.delta) ? choice.delta : isObject(choice.message) ? choice.message : {};
      if (typeof delta.content === 'string' && delta.content !== '') {
        (this.texts[index] ??= []).push(delta.content);
        output = true;
      }
      if (Array.isArray(delta.tool_calls)) output = this.addCalls(index, delta.tool_calls) || output;
    }
    return output;
  }

  private addCalls(index: number, calls: unknown[]): boolean {
    const list = (this.calls[index] ??= []);
    for (const call of calls) {
      if (!isObject(call) || !isObject(call.function)) continue;
      const at = isNumber(call.index) ? call.index : list.length;
      const entry = (list[at] ??= { name: '', args: [] });
      if (typeof call.id === 'string') entry.id = call.id;
      if (typeof call.function.name === 'string') entry.name += call.function.name;
      if (typeof call.function.arguments === 'string') entry.args.push(call.function.arguments);
    }
    return true;
  }

  result(): ModelResult {
    const { texts, calls, finish } = this;
    const messages = (): GenAiMessage[] => {
      const out: GenAiMessage[] = [];
      const count = Math.max(texts.length, calls.length, finish.length);
      for (let i = 0; i < count; i++) {
        const message: GenAiMessage = { role: 'assistant', parts: [] };
        const text = texts[i];
        if (text !== undefined) message.parts.push({ type: 'text', content: text.join('') });
        for (const call of calls[i] ?? []) {
          if (call === undefined) continue;
          const args = parseToolInput(call.args.join(''));
          message.parts.push({ type: 'tool_call', id: call.id, name: call.name, arguments: args });
        }
        const reason = finish[i];
        if (reason !== undefined) message.finish_reason = reason;
        out.push(message);
      }
      return out;
    };
    return {
      usage: this.usage,
      finishReasons: reasons(finish),
      responseId: this.id,
      outputText: () => messagesText(messages()),
      outputMessages: messages,
    };
  }
}

function cohereSampling(body: Json, attrs: Attributes): void {
  setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_tokens);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, body.p);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_K, body.k);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_SEED, body.seed);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, body.frequency_penalty);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, body.presence_penalty);
  setStrings(attrs, ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, body.stop_sequences);
}

/** Cohere Command and Command Light (`prompt`): `generations[]`, streamed as `text` pieces or whole generations. */
export const cohereTextFormat: BodyFormat = {
  operation: GEN_AI_OPERATION_NAME_VALUES.TEXT_COMPLETION,
  requestAttributes(body) {
    const attrs: Attributes = {};
    cohereSampling(body, attrs);
    if (isNumber(body.num_generations) && body.num_generations !== 1) {
      attrs[ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = body.num_generations;
    }
    return attrs;
  },
  inputMessages: (body) => promptMessages(body.prompt),
  response(body): ModelResult {
    const generations = Array.isArray(body.generations) ? body.generations.filter(isObject) : [];
    const texts = generations.map((g) => stringOr(g.text) ?? '');
    const finish = generations.map((g) => stringOr(g.finish_reason));
    return {
      finishReasons: reasons(finish),
      responseId: stringOr(body.id),
      outputText: () => texts.join('\n'),
      outputMessages: () => textOutputMessages(texts, finish),
    };
  },
  stream(): ChunkReader {
    const pieces: string[][] = [];
    const finish: (string | undefined)[] = [];
    let id: string | undefined;
    return {
      add(chunk) {
        id ??= stringOr(chunk.id);
        if (Array.isArray(chunk.generations)) {
          for (const g of chunk.generations.filter(isObject)) {
            pieces.push([stringOr(g.text) ?? '']);
            finish.push(stringOr(g.finish_reason));
          }
          return true;
        }
        const index = isNumber(chunk.index) ? chunk.index : 0;
        finish[index] = stringOr(chunk.finish_reason) ?? finish[index];
        if (typeof chunk.text !== 'string') return false;
        (pieces[index] ??= []).push(chunk.text);
        return true;
      },
      result: () => {
        const texts = (): string[] => Array.from(pieces, (p) => (p ?? []).join(''));
        return {
          finishReasons: reasons(finish),
          responseId: id,
          outputText: () => texts().join('\n'),
          outputMessages: () => textOutputMessages(texts(), finish),
        };
      },
    };
  },
};

/** Cohere's billed units: what Bedrock counts too (`meta.tokens` adds the hidden preamble). */
function cohereUsage(meta: unknown): BedrockUsage | undefined {
  if (!isObject(meta) || !isObject(meta.billed_units)) return undefined;
  return { input: numberOr(meta.billed_units.input_tokens), output: numberOr(meta.billed_units.output_tokens) };
}

const COHERE_ROLES: Readonly<Record<string, string>> = {
  USER: 'user',
  CHATBOT: 'assistant',
  SYSTEM: 'system',
  TOOL: 'tool',
};

function cohereMessages(body: Json): GenAiMessage[] {
  const out: GenAiMessage[] = [];
  const history = Array.isArray(body.chat_history) ? body.chat_history : [];
  for (const turn of history) {
    if (!isObject(turn)) continue;
    const role = COHERE_ROLES[String(turn.role)] ?? 'user';
    out.push({ role, parts: [{ type: 'text', content: stringOr(turn.message) ?? '' }] });
  }
  if (typeof body.message === 'string') out.push({ role: 'user', parts: [{ type: 'text', content: body.message }] });
  return out;
}

/** Cohere Command R and R+ (`message`, `chat_history`, `preamble`). */
export const cohereChatFormat: BodyFormat = {
  operation: GEN_AI_OPERATION_NAME_VALUES.CHAT,
  requestAttributes(body) {
    const attrs: Attributes = {};
    cohereSampling(body, attrs);
    return attrs;
  },
  inputMessages: cohereMessages,
  systemInstructions: (body) => (typeof body.preamble === 'string' ? [{ type: 'text', content: body.preamble }] : []),
  response(body): ModelResult {
    const text = stringOr(body.text) ?? '';
    const reason = stringOr(body.finish_reason);
    return {
      usage: cohereUsage(body.meta),
      finishReasons: reason === undefined ? [] : [reason],
      responseId: stringOr(body.response_id),
      outputText: () => text,
      outputMessages: () => textOutputMessages([text], [reason]),
    };
  },
  stream(): ChunkReader {
    const pieces: string[] = [];
    let final: ModelResult | undefined;
    return {
      add(chunk) {
        // `stream-end` carries the whole response (text, finish reason, billed units).
        if (chunk.event_type === 'stream-end' && isObject(chunk.response)) {
          final = cohereChatFormat.response(chunk.response);
          return false;
        }
        if (chunk.event_type !== 'text-generation' || typeof chunk.text !== 'string') return false;
        pieces.push(chunk.text);
        return true;
      },
      result: () =>
        final ?? {
          outputText: () => pieces.join(''),
          outputMessages: () => textOutputMessages([pieces.join('')], []),
        },
    };
  },
};

/** Cohere Embed (`texts` or `images`, `input_type`); its body reports no usage, Bedrock's headers do. */
export const cohereEmbedFormat: BodyFormat = {
  operation: GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS,
  requestAttributes(body) {
    const attrs: Attributes = {};
    setStrings(attrs, ATTR_GEN_AI_REQUEST_ENCODING_FORMATS, body.embedding_types);
    return attrs;
  },
  inputMessages: () => [],
  inputText: (body) =>
    Array.isArray(body.texts) ? body.texts.filter((t): t is string => typeof t === 'string').join('\n') : '',
  response: (body) => ({ responseId: stringOr(body.id) }),
  stream: () => ({ add: () => false, result: () => ({}) }),
};

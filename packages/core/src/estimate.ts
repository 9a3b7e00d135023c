import { diag } from '@opentelemetry/api';
import { processSingleton } from './global.js';

/** The BPE encodings we can estimate with; the ranks are large, so each is loaded only on first use. */
export type EncodingName = 'o200k_base' | 'cl100k_base';

interface Encoder {
  encode(text: string): number[];
}

const encoders = processSingleton('estimate.encoders', () => new Map<EncodingName, Promise<Encoder>>());

/**
 * The encoding whose counts best match a model family. OpenAI's own models are exact; other vendors' tokenizers
 * are not public in JS, so their counts are approximations (the span says so with `llmtel.usage.estimated`).
 */
export function encodingForModel(model: string): EncodingName {
  const m = model.toLowerCase();
  if (/^(gpt-3\.5|gpt-4(?!o|\.1|\.5)|text-embedding|text-davinci|davinci|babbage)/.test(m)) return 'cl100k_base';
  return 'o200k_base';
}

/**
 * Loads (once per process) and returns the tokenizer for `encoding`. js-tiktoken and its ranks are imported
 * lazily: an app whose providers always report usage never pays the ~0.5 s it takes to load them.
 */
export function loadEncoder(encoding: EncodingName): Promise<Encoder> {
  let encoder = encoders.get(encoding);
  if (!encoder) {
    encoder = (async () => {
      const [{ Tiktoken }, ranks] = await Promise.all([import('js-tiktoken/lite'), importRanks(encoding)]);
      return new Tiktoken(ranks);
    })();
    encoder.catch((err: unknown) => {
      encoders.delete(encoding);
      diag.warn(`llmtel: could not load the ${encoding} tokenizer for usage estimation`, err);
    });
    encoders.set(encoding, encoder);
  }
  return encoder;
}

async function importRanks(encoding: EncodingName) {
  const mod =
    encoding === 'cl100k_base'
      ? await import('js-tiktoken/ranks/cl100k_base')
      : await import('js-tiktoken/ranks/o200k_base');
  return mod.default;
}

/** Counts the tokens of `text` with the encoding of `model`'s family. Empty text counts 0 without loading. */
export async function estimateTokens(model: string, text: string): Promise<number> {
  if (text.length === 0) return 0;
  const encoder = await loadEncoder(encodingForModel(model));
  return encoder.encode(text).length;
}

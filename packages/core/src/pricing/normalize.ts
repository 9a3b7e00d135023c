// Model ids arrive in many spellings of the same model: dated snapshots, Bedrock inference profiles and ARNs,
// Vertex `@` versions, gateway `vendor/model` names. These pure functions map them onto the ids the table uses.

/** Bedrock cross-region inference profile prefixes (`us.anthropic.claude-…`), only when a vendor namespace follows. */
const REGION_PREFIX = /^(?:us-gov|us|eu|apac|global|jp|au|ca|in)\.(?=[a-z0-9-]+\.[a-z])/;
/** A Bedrock vendor namespace (`anthropic.`, `amazon.`, `meta.`); never matches the dot of a version like `gpt-4.1`. */
const VENDOR_NAMESPACE = /^[a-z][a-z0-9-]*\.(?=[a-z])/;

/** Suffixes that do not change the price, stripped one at a time, most specific first. */
const SUFFIXES: readonly RegExp[] = [
  /:\d+$/, // Bedrock minor version `:0`
  /-v\d+$/, // Bedrock major version `-v1`
  /-\d{4}-\d{2}-\d{2}$/, // OpenAI `-2024-08-06`
  /-\d{8}$/, // Anthropic `-20250929`
  /-\d{2}-\d{4}$/, // Gemini previews `-09-2025`
  /-\d{2}-\d{2}$/, // Gemini previews `-05-20`
  /-\d{4}$/, // OpenAI `-0613`, Mistral and xAI `-2411`, `-0709`
  /-00\d$/, // Gemini stable versions `-001`
  /-latest$/,
  /-preview$/,
];
const MAX_SUFFIX_STRIPS = 8;

function stripOneSuffix(name: string): string {
  for (const suffix of SUFFIXES) {
    const stripped = name.replace(suffix, '');
    if (stripped !== name && stripped.length > 0) return stripped;
  }
  return name;
}

/**
 * Lower-cases and fixes the spellings that name one model id in two ways, without merging distinct models:
 * Claude versions written with dots (`claude-sonnet-4.5`, as gateways spell them) become `claude-sonnet-4-5`.
 */
export function canonicalModelSpelling(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/claude-[\w.-]*/, (claude) => claude.replace(/(\d)\.(?=\d)/g, '$1-'));
}

/** Removes what only locates or routes a model: resource paths, ARNs, Vertex `@` versions, `[1m]`-style tags. */
function stripLocation(model: string): string {
  let name = canonicalModelSpelling(model);
  const slash = name.lastIndexOf('/');
  if (slash >= 0) name = name.slice(slash + 1);
  const at = name.indexOf('@');
  if (at > 0) name = name.slice(0, at);
  return name.replace(/\[[^\]]*\]$/, '');
}

function pushSuffixForms(name: string, out: string[]): string {
  let current = name;
  for (let i = 0; i < MAX_SUFFIX_STRIPS; i++) {
    const next = stripOneSuffix(current);
    if (next === current) break;
    current = next;
    pushUnique(out, current);
  }
  return current;
}

function pushUnique(out: string[], name: string): void {
  if (name.length > 0 && !out.includes(name)) out.push(name);
}

/**
 * The model's id without routing, region, version and date decorations; the Bedrock vendor namespace stays.
 *
 * `us.anthropic.claude-sonnet-4-5-20250929-v1:0` → `anthropic.claude-sonnet-4-5`,
 * `models/gemini-2.5-flash-001` → `gemini-2.5-flash`, `claude-opus-4-1@20250805` → `claude-opus-4-1`,
 * `anthropic/claude-sonnet-4.5` → `claude-sonnet-4-5`, `gpt-4o-2024-08-06` → `gpt-4o`.
 */
export function normalizeModelName(model: string): string {
  const located = stripLocation(model).replace(REGION_PREFIX, '');
  return pushSuffixForms(located, []);
}

/**
 * The names to look a model up by, most specific first: the id as given, then with each decoration removed in turn
 * (so that a dated snapshot or a `global.` inference profile with a price of its own is found before the generic
 * model), and last without the Bedrock vendor namespace, to find the model under its owner.
 */
export function modelNameCandidates(model: string): string[] {
  const out: string[] = [];
  pushUnique(out, model.trim().toLowerCase());
  const located = stripLocation(model);
  pushUnique(out, located);
  let normalized = pushSuffixForms(located, out);
  const regionless = located.replace(REGION_PREFIX, '');
  if (regionless !== located) {
    pushUnique(out, regionless);
    normalized = pushSuffixForms(regionless, out);
  }
  pushUnique(out, normalized);
  pushUnique(out, normalized.replace(VENDOR_NAMESPACE, ''));
  return out;
}

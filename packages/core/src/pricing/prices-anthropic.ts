import { withProvider, type PriceRow } from './price-rows.js';

// Anthropic reports cache_read_input_tokens and cache_creation_input_tokens apart from input_tokens; the
// instrumentation adds them into TokenUsage.inputTokens, and the table prices each class on its own.
// `cacheWrite` is the 5-minute cache write (1.25x input); TokenUsage does not tell 1-hour writes (2x input) apart.
// Sonnet 4 and 4.5 bill a whole request at the long-context rates once its prompt (cache included) exceeds 200K
// tokens; the 1M-context models from Opus 4.6 on are priced flat across their window.
export const ANTHROPIC_ROWS: PriceRow[] = [
  { model: 'claude-opus-5', input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5, effectiveFrom: '2026-07-24' },
  { model: 'claude-sonnet-5', input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2, effectiveFrom: '2026-06-30' },
  { model: 'claude-sonnet-4-6', input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3, effectiveFrom: '2026-02-17' },
  { model: 'claude-opus-4-6', input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5, effectiveFrom: '2026-02-05' },
  { model: 'claude-opus-4-5', input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5, effectiveFrom: '2025-11-24' },
  { model: 'claude-haiku-4-5', input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1, effectiveFrom: '2025-10-15' },
  {
    model: 'claude-sonnet-4-5',
    input: 3,
    output: 15,
    cacheWrite: 3.75,
    cacheRead: 0.3,
    tiers: [{ aboveInputTokens: 200_000, input: 6, output: 22.5, cacheWrite: 7.5, cacheRead: 0.6 }],
    effectiveFrom: '2025-09-29',
  },
  { model: 'claude-opus-4-1', input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5, effectiveFrom: '2025-08-05' },
  {
    model: 'claude-opus-4',
    aliases: ['claude-opus-4-0'],
    input: 15,
    output: 75,
    cacheWrite: 18.75,
    cacheRead: 1.5,
    effectiveFrom: '2025-05-22',
  },
  {
    model: 'claude-sonnet-4',
    aliases: ['claude-sonnet-4-0'],
    input: 3,
    output: 15,
    cacheWrite: 3.75,
    cacheRead: 0.3,
    tiers: [{ aboveInputTokens: 200_000, input: 6, output: 22.5, cacheWrite: 7.5, cacheRead: 0.6 }],
    effectiveFrom: '2025-05-22',
  },
  { model: 'claude-3-7-sonnet', input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3, effectiveFrom: '2025-02-24' },
  { model: 'claude-3-5-sonnet', input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3, effectiveFrom: '2024-06-20' },
  { model: 'claude-3-5-haiku', input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08, effectiveFrom: '2024-11-04' },
  { model: 'claude-3-opus', input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5, effectiveFrom: '2024-03-04' },
  { model: 'claude-3-haiku', input: 0.25, output: 1.25, cacheWrite: 0.3, cacheRead: 0.03, effectiveFrom: '2024-03-13' },
];

export const ANTHROPIC_PRICES = withProvider(
  'anthropic',
  'https://platform.claude.com/docs/en/about-claude/pricing',
  ANTHROPIC_ROWS,
);

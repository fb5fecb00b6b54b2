// The price table Batchboard ships. Settings can override, add and hide rows (stored in the ModelPrice table);
// Batchboard never fetches prices, so it works offline and a price only changes when a person changes it.

/** One model's prices in USD per 1M tokens. */
export type PriceRow = {
  /** A model name ("gpt-4o-mini") or a pattern with * and ? ("llama*"). Dated snapshots find their model's row. */
  model: string
  input: number
  /** null: cached input tokens cost the same as input. */
  cachedInput: number | null
  /** null: the model produces no output tokens (embeddings, moderation). */
  output: number | null
  /** Batch API prices; null: half the standard price, as OpenAI's Batch API charges. */
  batchInput: number | null
  batchCachedInput: number | null
  batchOutput: number | null
  /**
   * Prompt-cache writes (Anthropic's 5-minute cache), billed apart from input; the batch rate is half. Absent: writes
   * cost the input rate (OpenAI and Gemini bill none). Shipped rows only: Settings edits keep the columns above.
   */
  cacheWrite?: number
}

/** Where each provider's shipped prices come from, and when they were copied (by hand). */
export const SHIPPED_PRICE_SOURCES = [
  { provider: 'OpenAI', takenAt: '2025-08-07', page: 'openai.com/api/pricing, standard tier' },
  { provider: 'Anthropic', takenAt: '2026-12-05', page: 'platform.claude.com/docs/en/about-claude/pricing; batch = 50% of every rate' },
  { provider: 'Google', takenAt: '2026-12-05', page: 'ai.google.dev/gemini-api/docs/pricing, paid tier, prompts up to 200K tokens; batch = 50%' },
] as const

/** When the shipped prices were taken, and from where. */
export const SHIPPED_PRICES_TAKEN_AT = SHIPPED_PRICE_SOURCES.map((source) => `${source.takenAt} (${source.provider})`).join(', ')
export const SHIPPED_PRICES_SOURCE = `pricing pages, copied by hand: ${SHIPPED_PRICE_SOURCES.map((source) => `${source.provider} (${source.page})`).join('; ')}`

const row = (model: string, input: number, cachedInput: number | null, output: number | null): PriceRow => ({
  model,
  input,
  cachedInput,
  output,
  batchInput: null,
  batchCachedInput: null,
  batchOutput: null,
})

const claude = (model: string, input: number, cacheHit: number, output: number, cacheWrite: number): PriceRow => ({
  ...row(model, input, cacheHit, output),
  cacheWrite,
})

export const SHIPPED_PRICES: readonly PriceRow[] = [
  row('gpt-5', 1.25, 0.125, 10),
  row('gpt-5-mini', 0.25, 0.025, 2),
  row('gpt-5-nano', 0.05, 0.005, 0.4),
  row('gpt-5-chat-latest', 1.25, 0.125, 10),
  row('gpt-4.1', 2, 0.5, 8),
  row('gpt-4.1-mini', 0.4, 0.1, 1.6),
  row('gpt-4.1-nano', 0.1, 0.025, 0.4),
  row('gpt-4o', 2.5, 1.25, 10),
  // The first gpt-4o snapshot kept its launch price; without this row it would be costed as gpt-4o.
  row('gpt-4o-2024-05-13', 5, null, 15),
  row('gpt-4o-mini', 0.15, 0.075, 0.6),
  row('o3', 2, 0.5, 8),
  row('o4-mini', 1.1, 0.275, 4.4),
  row('o3-mini', 1.1, 0.55, 4.4),
  row('o1', 15, 7.5, 60),
  row('o1-mini', 1.1, 0.55, 4.4),
  row('gpt-4-turbo', 10, null, 30),
  row('gpt-4', 30, null, 60),
  row('gpt-3.5-turbo', 0.5, null, 1.5),
  row('text-embedding-3-small', 0.02, null, null),
  row('text-embedding-3-large', 0.13, null, null),
  row('text-embedding-ada-002', 0.1, null, null),
  // OpenAI's moderation models are free.
  row('omni-moderation-latest', 0, null, null),
  row('text-moderation-latest', 0, null, null),

  // Anthropic, per 1M tokens: base input, cache hits, output, and 5-minute cache writes. Batch is half of each
  // (Message Batches). Dated ids (claude-haiku-4-5-20251001) find these rows as snapshots.
  claude('claude-fable-5-1', 10, 0.25, 50, 12.5),
  claude('claude-fable-5', 10, 1, 50, 12.5),
  claude('claude-opus-5', 5, 0.5, 25, 6.25),
  claude('claude-opus-4-8', 5, 0.5, 25, 6.25),
  claude('claude-opus-4-7', 5, 0.5, 25, 6.25),
  claude('claude-opus-4-6', 5, 0.5, 25, 6.25),
  claude('claude-opus-4-5', 5, 0.5, 25, 6.25),
  claude('claude-opus-4-1', 15, 1.5, 75, 18.75),
  claude('claude-opus-4', 15, 1.5, 75, 18.75),
  claude('claude-sonnet-4-6', 3, 0.3, 15, 3.75),
  claude('claude-sonnet-4-5', 3, 0.3, 15, 3.75),
  claude('claude-sonnet-4', 3, 0.3, 15, 3.75),
  claude('claude-haiku-4-5', 1, 0.1, 5, 1.25),
  claude('claude-3-5-haiku', 0.8, 0.08, 4, 1),
  claude('claude-3-haiku', 0.25, 0.03, 1.25, 0.3),

  // Google Gemini (paid tier, prompts up to 200K tokens; longer prompts cost more on 2.5 Pro). Cached = implicit or
  // explicit context-cache hits; batch = half.
  row('gemini-2.5-pro', 1.25, 0.125, 10),
  row('gemini-2.5-flash', 0.3, 0.03, 2.5),
  row('gemini-2.5-flash-lite', 0.1, 0.01, 0.4),
]

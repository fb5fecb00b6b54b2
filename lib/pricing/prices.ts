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
}

/** When the shipped prices were taken, and from where. */
export const SHIPPED_PRICES_TAKEN_AT = '2025-08-07'
export const SHIPPED_PRICES_SOURCE = 'OpenAI API pricing page (openai.com/api/pricing), standard tier, copied by hand'

const row = (model: string, input: number, cachedInput: number | null, output: number | null): PriceRow => ({
  model,
  input,
  cachedInput,
  output,
  batchInput: null,
  batchCachedInput: null,
  batchOutput: null,
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
]

export type UsageTotals = {
  batches: number
  inputTokens: number
  cachedTokens: number
  outputTokens: number
  reasoningTokens: number
  totalTokens: number
  /** Input tokens written to a prompt cache (Anthropic), part of inputTokens. */
  cacheWriteTokens: number
  /** USD billed (priced batches only). */
  cost: number
  /** The part of `cost` paid for cache writes, at the cache-write rate. */
  cacheWriteCost: number
  /** USD the same tokens cost as ordinary requests. */
  standardCost: number
  /** Tokens answered by the simulator: free. */
  simulatedTokens: number
  /** Tokens of models without a price: not in `cost`. */
  unpricedTokens: number
  unpricedModels: string[]
}

export type UsageDay = { day: string; cost: number; standardCost: number; inputTokens: number; outputTokens: number; totalTokens: number; batches: number }

export type UsageGroup = {
  key: string
  label: string
  cost: number
  standardCost: number
  totalTokens: number
  batches: number
  /** Tokens that have no price, or were simulated: shown, but not costed. */
  unpricedTokens: number
  simulatedTokens: number
}

export type UsageReport = {
  from: string | null
  to: string | null
  /** Whether any batch exists at all, so an empty range can be told from a new install. */
  anyBatches: boolean
  totals: UsageTotals
  days: UsageDay[]
  models: UsageGroup[]
  connections: UsageGroup[]
}

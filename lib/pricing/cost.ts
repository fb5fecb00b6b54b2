import { isModelPattern, matchScore } from '@/lib/batch/model-patterns'
import type { PriceRow } from './prices'

export type TokenUsage = {
  inputTokens: number
  cachedTokens: number
  outputTokens: number
  reasoningTokens: number
  totalTokens: number
  /** Input tokens written to a prompt cache (Anthropic's cache_creation_input_tokens), part of inputTokens. */
  cacheWriteTokens?: number
}

/**
 * `batch`: OpenAI-compatible batch APIs bill batch prices. `standard`: the built-in engine sends each line to its
 * upstream as an ordinary (synchronous) request, so a paid upstream bills its standard price.
 */
export type PriceBasis = 'batch' | 'standard'

/** `cacheWrite` only for models that bill prompt-cache writes apart (Anthropic); others bill writes as input. */
export type Rates = { input: number; cachedInput: number; output: number; cacheWrite?: number }

/** A price looked up for a model: the row, and the name it was found under. */
export type PriceMatch = { row: PriceRow; by: 'exact' | 'snapshot' | 'pattern' }

// OpenAI dates its snapshots: gpt-4o-mini-2024-07-18, gpt-4-0613, gpt-3.5-turbo-0125; Anthropic: claude-haiku-4-5-20251001.
const SNAPSHOT_SUFFIX = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/

/** The price of a model: its own row, else its snapshot's model's row, else the best-fitting pattern. */
export function findPrice(model: string, prices: readonly PriceRow[]): PriceMatch | null {
  const exact = prices.find((price) => price.model === model)
  if (exact) return { row: exact, by: 'exact' }
  const base = model.replace(SNAPSHOT_SUFFIX, '')
  if (base !== model) {
    const snapshot = prices.find((price) => price.model === base)
    if (snapshot) return { row: snapshot, by: 'snapshot' }
  }
  let best: { row: PriceRow; score: number } | null = null
  for (const price of prices) {
    if (!isModelPattern(price.model)) continue
    const score = matchScore(price.model, model)
    if (score >= 0 && (best === null || score > best.score)) best = { row: price, score }
  }
  return best ? { row: best.row, by: 'pattern' } : null
}

/** Per-1M-token rates on a basis, with "unless stated" filled in: batch = half, cached = input, no output = 0. */
export function ratesFor(price: PriceRow, basis: PriceBasis): Rates {
  const cachedInput = price.cachedInput ?? price.input
  const output = price.output ?? 0
  // Anthropic's batch discount covers cache writes too (platform.claude.com/docs/en/about-claude/pricing).
  const cacheWrite = price.cacheWrite === undefined ? {} : { cacheWrite: basis === 'batch' ? price.cacheWrite / 2 : price.cacheWrite }
  if (basis === 'standard') return { input: price.input, cachedInput, output, ...cacheWrite }
  return {
    input: price.batchInput ?? price.input / 2,
    cachedInput: price.batchCachedInput ?? cachedInput / 2,
    output: price.batchOutput ?? output / 2,
    ...cacheWrite,
  }
}

/**
 * USD for a usage at some rates. Cached tokens (cache reads) and cache writes are part of the input count and billed
 * at their own rates; reasoning tokens are part of the output count (OpenAI's `output_tokens` includes them), so they
 * are not added again.
 */
export function costOfUsage(usage: Pick<TokenUsage, 'inputTokens' | 'cachedTokens' | 'outputTokens' | 'cacheWriteTokens'>, rates: Rates): number {
  const { cached, written, uncached } = inputParts(usage)
  return (uncached * rates.input + cached * rates.cachedInput + usage.outputTokens * rates.output) / 1_000_000 + cacheWriteCostOf(written, rates)
}

/** USD of prompt-cache writes at the cache-write rate (the input rate where a model bills writes as input). */
const cacheWriteCostOf = (written: number, rates: Rates) => (written * (rates.cacheWrite ?? rates.input)) / 1_000_000

/** The input count split into cache reads, cache writes and the rest; a provider's figures are capped so none counts twice. */
function inputParts(usage: Pick<TokenUsage, 'inputTokens' | 'cachedTokens' | 'cacheWriteTokens'>) {
  const cached = Math.min(usage.cachedTokens, usage.inputTokens)
  const written = Math.min(usage.cacheWriteTokens ?? 0, usage.inputTokens - cached)
  return { cached, written, uncached: usage.inputTokens - cached - written }
}

/** What a batch cost, or why it has no cost. */
export type BatchCost =
  | {
      status: 'priced'
      basis: PriceBasis
      /** USD actually billed, on the basis. */
      cost: number
      /** USD the same tokens cost as ordinary requests: the saving is the difference. */
      standardCost: number
      /** The part of `cost` that paid for prompt-cache writes. */
      cacheWriteCost: number
      /** The price row used (a model, or the pattern that matched). */
      priceModel: string
    }
  /** Answered by the built-in simulator: nothing was billed. */
  | { status: 'simulated' }
  /** No price for the model: flagged, never costed at zero. */
  | { status: 'no_price'; model: string | null }
  /** The provider reported no usage (yet). */
  | { status: 'no_usage' }

/** One model's share of a batch's usage. */
export type ModelUsage = { model: string; usage: TokenUsage }

export type CostedBatch = {
  model: string | null
  usage: TokenUsage | null
  basis: PriceBasis
  simulated: boolean
  /** Usage per model when the results name several (an Anthropic batch may mix models): each at its own price. */
  byModel?: readonly ModelUsage[] | null
}

export function batchCost(batch: CostedBatch, prices: readonly PriceRow[]): BatchCost {
  if (batch.simulated) return { status: 'simulated' }
  if (batch.byModel && batch.byModel.length > 1) return costPerModel(batch.byModel, batch.basis, prices)
  const match = batch.model === null ? null : findPrice(batch.model, prices)
  if (batch.usage === null) return match ? { status: 'no_usage' } : { status: 'no_price', model: batch.model }
  if (!match) return { status: 'no_price', model: batch.model }
  const standardCost = costOfUsage(batch.usage, ratesFor(match.row, 'standard'))
  const rates = ratesFor(match.row, batch.basis)
  const cost = batch.basis === 'standard' ? standardCost : costOfUsage(batch.usage, rates)
  const cacheWriteCost = cacheWriteCostOf(inputParts(batch.usage).written, rates)
  return { status: 'priced', basis: batch.basis, cost, standardCost, cacheWriteCost, priceModel: match.row.model }
}

/** The sum of each model's cost at its own price; one model without a price leaves the whole batch unpriced, never at $0. */
function costPerModel(parts: readonly ModelUsage[], basis: PriceBasis, prices: readonly PriceRow[]): BatchCost {
  let cost = 0
  let standardCost = 0
  let cacheWriteCost = 0
  const priceModels: string[] = []
  for (const part of parts) {
    const one = batchCost({ model: part.model, usage: part.usage, basis, simulated: false }, prices)
    if (one.status === 'no_price') return one
    if (one.status !== 'priced') continue
    cost += one.cost
    standardCost += one.standardCost
    cacheWriteCost += one.cacheWriteCost
    if (!priceModels.includes(one.priceModel)) priceModels.push(one.priceModel)
  }
  return { status: 'priced', basis, cost, standardCost, cacheWriteCost, priceModel: priceModels.join(', ') }
}

/** A file's facts before it runs: the validator's input token estimate and its lines' output caps. */
export type EstimateInput = {
  model: string | null
  estimatedInputTokens: number | null
  /** Sum of max_tokens (or max_completion_tokens / max_output_tokens) over the lines that set one. */
  outputTokenCapTotal: number | null
  /** Text-generation lines that set no cap: their output cannot be bounded. */
  outputTokenCapMissing: number | null
  basis: PriceBasis
}

export type CostEstimate =
  | {
      status: 'priced'
      basis: PriceBasis
      /** Input tokens at the input rate (no cache hits assumed). */
      inputCost: number
      /** Output if every capped line wrote its cap; null when the file predates cap counting. */
      maxOutputCost: number | null
      /** Lines with no output cap, left out of maxOutputCost. */
      uncappedLines: number
      /** The same upper bound as ordinary requests, for the saving. */
      standardCost: number
      priceModel: string
    }
  | { status: 'no_price'; model: string | null }
  | { status: 'no_estimate' }

export function estimateCost(file: EstimateInput, prices: readonly PriceRow[]): CostEstimate {
  const match = file.model === null ? null : findPrice(file.model, prices)
  if (!match) return { status: 'no_price', model: file.model }
  const inputTokens = file.estimatedInputTokens
  if (inputTokens === null) return { status: 'no_estimate' }
  const at = (basis: PriceBasis) => {
    const rates = ratesFor(match.row, basis)
    return {
      input: (inputTokens * rates.input) / 1_000_000,
      output: file.outputTokenCapTotal === null ? null : (file.outputTokenCapTotal * rates.output) / 1_000_000,
    }
  }
  const chosen = at(file.basis)
  const standard = at('standard')
  return {
    status: 'priced',
    basis: file.basis,
    inputCost: chosen.input,
    maxOutputCost: chosen.output,
    uncappedLines: file.outputTokenCapMissing ?? 0,
    standardCost: standard.input + (standard.output ?? 0),
    priceModel: match.row.model,
  }
}

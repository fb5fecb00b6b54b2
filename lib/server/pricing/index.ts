import 'server-only'
import type { z } from 'zod'
import {
  SHIPPED_PRICES,
  SHIPPED_PRICES_SOURCE,
  SHIPPED_PRICES_TAKEN_AT,
  batchCost,
  type BatchCost,
  type ModelUsage,
  type PriceBasis,
  type PriceRow,
  type TokenUsage,
} from '@/lib/pricing'
import { BUILTIN_CONNECTION_KIND } from '@/lib/constants'
import type { PriceListRow, PriceTable } from '@/lib/types'
import type { savePriceInput } from '@/lib/validations/prices'
import { db } from '@/lib/server/db'
import { AppError } from '@/lib/server/http/errors'

const shippedByModel = new Map(SHIPPED_PRICES.map((row) => [row.model, row]))

type StoredPrice = Awaited<ReturnType<typeof db.modelPrice.findMany>>[number]

/**
 * A stored row as a price. The table stores no cache-write rate: an edited shipped row that has one (Anthropic's) keeps
 * it in the same ratio to the input price it had, so editing a Claude price does not cost its cache writes as input.
 */
const toRow = (stored: StoredPrice): PriceRow => {
  const shipped = shippedByModel.get(stored.model)
  const cacheWrite = shipped?.cacheWrite !== undefined && shipped.input > 0 ? { cacheWrite: (stored.input * shipped.cacheWrite) / shipped.input } : {}
  return {
    model: stored.model,
    input: stored.input,
    cachedInput: stored.cachedInput,
    output: stored.output,
    batchInput: stored.batchInput,
    batchCachedInput: stored.batchCachedInput,
    batchOutput: stored.batchOutput,
    ...cacheWrite,
  }
}

/** The shipped table with the user's rows over it: edits replace a shipped row, deletions hide it, additions join. */
export async function getPriceTable(): Promise<PriceTable> {
  const stored = await db.modelPrice.findMany()
  const overrides = new Map(stored.map((row) => [row.model, row]))
  const rows: PriceListRow[] = []
  const hidden: string[] = []
  for (const shipped of SHIPPED_PRICES) {
    const override = overrides.get(shipped.model)
    if (!override) rows.push({ ...shipped, source: 'shipped' })
    else if (override.deleted) hidden.push(shipped.model)
    else rows.push({ ...toRow(override), source: 'edited' })
  }
  for (const row of stored) {
    if (!shippedByModel.has(row.model) && !row.deleted) rows.push({ ...toRow(row), source: 'added' })
  }
  rows.sort((a, b) => a.model.localeCompare(b.model))
  return { rows, hidden, takenAt: SHIPPED_PRICES_TAKEN_AT, source: SHIPPED_PRICES_SOURCE }
}

// Every status read prices its batch: the table is remembered for a few seconds rather than read on each poll.
// A change made here forgets it at once; one made by another server process shows within PRICE_CACHE_MS.
const PRICE_CACHE_MS = 5_000
// On globalThis: server actions (which save prices) and route handlers (which read them) are bundled apart.
const globalForPrices = globalThis as unknown as { batchboardPrices?: { rows: Promise<PriceRow[]>; readAt: number } }

const forgetPrices = () => {
  globalForPrices.batchboardPrices = undefined
}

/** The prices costs are computed with. */
export async function listEffectivePrices(): Promise<PriceRow[]> {
  const cached = globalForPrices.batchboardPrices
  if (cached && Date.now() - cached.readAt < PRICE_CACHE_MS) return cached.rows
  const rows = getPriceTable().then((table) => table.rows)
  globalForPrices.batchboardPrices = { rows, readAt: Date.now() }
  // A failed read is not remembered: the next caller tries again.
  rows.catch(() => (globalForPrices.batchboardPrices?.rows === rows ? forgetPrices() : undefined))
  return rows
}

export async function savePrice(input: z.infer<typeof savePriceInput>): Promise<PriceListRow> {
  const { model, isNew, ...prices } = input
  if (isNew) {
    const existing = (await getPriceTable()).rows.find((row) => row.model === model)
    if (existing) throw new AppError(409, 'price_exists', `${model} already has a price. Edit its row instead.`, { param: 'model' })
  }
  const saved = await db.modelPrice.upsert({ where: { model }, create: { model, ...prices, deleted: false }, update: { ...prices, deleted: false } })
  forgetPrices()
  return { ...toRow(saved), source: shippedByModel.has(model) ? 'edited' : 'added' }
}

/** A shipped model's row is hidden (Reset restores it); the user's own row is removed. */
export async function deletePrice(model: string): Promise<{ model: string }> {
  if (shippedByModel.has(model)) {
    await db.modelPrice.upsert({ where: { model }, create: { model, deleted: true }, update: { deleted: true } })
  } else {
    const { count } = await db.modelPrice.deleteMany({ where: { model } })
    if (count === 0) throw new AppError(404, 'not_found', `No price for ${model}. Reload the table.`, { param: 'model' })
  }
  forgetPrices()
  return { model }
}

/** Back to the shipped table: one model (model given) or every change. */
export async function resetPrices(model?: string): Promise<{ reset: number }> {
  const { count } = await db.modelPrice.deleteMany({ where: model === undefined ? {} : { model } })
  forgetPrices()
  return { reset: count }
}

/** OpenAI-compatible batch APIs bill batch prices; the built-in engine sends ordinary requests to its upstream. */
export const priceBasisOf = (connectionKind: string): PriceBasis => (connectionKind === BUILTIN_CONNECTION_KIND ? 'standard' : 'batch')

type UsageColumns = {
  usageInputTokens: bigint | null
  usageCachedTokens: bigint | null
  usageOutputTokens: bigint | null
  usageReasoningTokens: bigint | null
  usageTotalTokens: bigint | null
  usageCacheWriteTokens?: bigint | null
  usageByModel?: string | null
}

/** The Batch column usageByModel (written by fillUsageFromOutput), or null for a one-model batch. */
export function parseUsageByModel(text: string | null | undefined): ModelUsage[] | null {
  if (!text) return null
  const parsed: unknown = JSON.parse(text)
  return Array.isArray(parsed) ? (parsed as ModelUsage[]) : null
}

export function usageFromColumns(row: UsageColumns): TokenUsage | null {
  if (row.usageTotalTokens === null) return null
  return {
    inputTokens: Number(row.usageInputTokens ?? 0n),
    cachedTokens: Number(row.usageCachedTokens ?? 0n),
    outputTokens: Number(row.usageOutputTokens ?? 0n),
    reasoningTokens: Number(row.usageReasoningTokens ?? 0n),
    totalTokens: Number(row.usageTotalTokens),
    ...(row.usageCacheWriteTokens ? { cacheWriteTokens: Number(row.usageCacheWriteTokens) } : {}),
  }
}

/** The cost of a Batch row (with its connection's kind and whether the simulator answered it). */
export function costOfBatchRow(
  row: UsageColumns & { model: string | null; connectionKind: string; simulated: boolean },
  prices: readonly PriceRow[],
): BatchCost {
  return batchCost(
    {
      model: row.model,
      usage: usageFromColumns(row),
      basis: priceBasisOf(row.connectionKind),
      simulated: row.simulated,
      byModel: parseUsageByModel(row.usageByModel),
    },
    prices,
  )
}

import 'server-only'
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { TERMINAL_STATUSES } from '@/lib/batch'
import { batchCost, type TokenUsage } from '@/lib/pricing'
import type { UsageDay, UsageGroup, UsageReport, UsageTotals } from '@/lib/types'
import type { UsageQuery } from '@/lib/validations/prices'
import { db } from '@/lib/server/db'
import { dayOf } from '@/lib/server/db/dialect'
import { Prisma } from '@/lib/server/db/generated/client'
import { SIMULATOR_UPSTREAM_NAME } from '@/lib/server/engine/upstreams'
import { usageOf } from '@/lib/server/engine/results'
import { listEffectivePrices, priceBasisOf } from '@/lib/server/pricing'
import { fromStoragePath } from '@/lib/server/storage'

/** Anthropic's prompt-cache writes, kept in a converted output body's usage (lib/server/providers/anthropic/results.ts). */
function cacheWriteTokensOf(body: unknown): number {
  const usage = typeof body === 'object' && body !== null && 'usage' in body ? body.usage : null
  const tokens = typeof usage === 'object' && usage !== null && 'cache_creation_input_tokens' in usage ? usage.cache_creation_input_tokens : 0
  return typeof tokens === 'number' && Number.isFinite(tokens) ? tokens : 0
}

/** Sums `response.body.usage` over an output file's lines (chat, completions, embeddings and responses naming). */
export async function sumOutputUsage(absolutePath: string): Promise<TokenUsage> {
  const total: Required<TokenUsage> = { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0, totalTokens: 0, cacheWriteTokens: 0 }
  const lines = createInterface({ input: createReadStream(absolutePath), crlfDelay: Infinity })
  for await (const line of lines) {
    if (line.trim() === '') continue
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch {
      continue
    }
    const response = (parsed as { response?: { body?: unknown } } | null)?.response
    const usage = usageOf(response?.body)
    total.inputTokens += usage.input
    total.cachedTokens += usage.cached
    total.outputTokens += usage.output
    total.reasoningTokens += usage.reasoning
    total.totalTokens += usage.total
    total.cacheWriteTokens += cacheWriteTokensOf(response?.body)
  }
  return total
}

/**
 * A finished batch whose provider reported no `usage` gets it summed from its output file, once: the sum is written to
 * the batch's usage columns (where the engine and sync write the provider's figures), so later reads cost nothing.
 */
export async function fillUsageFromOutput(batchId: string): Promise<boolean> {
  const batch = await db.batch.findUnique({
    where: { id: batchId },
    select: { status: true, usageTotalTokens: true, outputFile: { select: { storagePath: true } } },
  })
  const path = batch?.outputFile?.storagePath
  if (!batch || batch.usageTotalTokens !== null || !path || !(TERMINAL_STATUSES as readonly string[]).includes(batch.status)) return false
  const usage = await sumOutputUsage(fromStoragePath(path)).catch(() => null)
  if (!usage) return false
  // Only if still missing: the provider's own figures win over the sum.
  const { count } = await db.batch.updateMany({
    where: { id: batchId, usageTotalTokens: null },
    data: {
      usageInputTokens: usage.inputTokens,
      usageCachedTokens: usage.cachedTokens,
      usageOutputTokens: usage.outputTokens,
      usageReasoningTokens: usage.reasoningTokens,
      usageTotalTokens: usage.totalTokens,
      // Only providers that report cache writes apart have any; null keeps "not reported" apart from zero.
      usageCacheWriteTokens: usage.cacheWriteTokens ? usage.cacheWriteTokens : null,
    },
  })
  return count > 0
}

type GroupRow = {
  day: string
  model: string | null
  connectionId: string
  connectionName: string
  connectionKind: string
  simulated: number | bigint
  batches: number | bigint
  withUsage: number | bigint
  inputTokens: number | bigint | null
  cachedTokens: number | bigint | null
  outputTokens: number | bigint | null
  reasoningTokens: number | bigint | null
  totalTokens: number | bigint | null
  cacheWriteTokens: number | bigint | null
}

// A batch counts on the day it ended (UTC), or the day it was created while it still runs.
const DAY = dayOf(Prisma.sql`COALESCE(b."completedAt", b."failedAt", b."expiredAt", b."cancelledAt", b."createdAt")`)

// PostgreSQL sums BIGINT columns as NUMERIC (read back as a decimal object); the cast keeps the sum a BIGINT on both.
const sumOf = (column: string) => Prisma.sql`CAST(SUM(b.${Prisma.raw(`"${column}"`)}) AS BIGINT)`

const n = (value: number | bigint | null) => Number(value ?? 0)

const emptyGroup = (key: string, label: string): UsageGroup => ({
  key,
  label,
  cost: 0,
  standardCost: 0,
  totalTokens: 0,
  batches: 0,
  unpricedTokens: 0,
  simulatedTokens: 0,
})

/** Each UTC day from `from` to `to`, both included; empty when the span is unreasonably long for a chart. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = []
  for (let at = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); at <= end && days.length <= 1000; at += 86_400_000) {
    days.push(new Date(at).toISOString().slice(0, 10))
  }
  return days.length > 1000 ? [] : days
}

/** Tokens and cost per day, model and connection, from the Batch rows (grouped in SQL, priced here). */
export async function getUsageReport(query: UsageQuery): Promise<UsageReport> {
  const conditions: Prisma.Sql[] = []
  if (query.from) conditions.push(Prisma.sql`${DAY} >= ${query.from}`)
  if (query.to) conditions.push(Prisma.sql`${DAY} <= ${query.to}`)
  const where = conditions.length === 0 ? Prisma.empty : Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}`
  const [groups, prices, anyBatch] = await Promise.all([
    db.$queryRaw<GroupRow[]>(Prisma.sql`
      SELECT ${DAY} AS "day", b."model" AS "model", b."connectionId" AS "connectionId", c."name" AS "connectionName", c."kind" AS "connectionKind",
        CASE WHEN b."simulated" OR r."upstreamName" = ${SIMULATOR_UPSTREAM_NAME} THEN 1 ELSE 0 END AS "simulated",
        COUNT(*) AS "batches", COUNT(b."usageTotalTokens") AS "withUsage",
        ${sumOf('usageInputTokens')} AS "inputTokens", ${sumOf('usageCachedTokens')} AS "cachedTokens", ${sumOf('usageOutputTokens')} AS "outputTokens",
        ${sumOf('usageReasoningTokens')} AS "reasoningTokens", ${sumOf('usageTotalTokens')} AS "totalTokens",
        ${sumOf('usageCacheWriteTokens')} AS "cacheWriteTokens"
      FROM "Batch" AS b JOIN "Connection" AS c ON c."id" = b."connectionId" LEFT JOIN "EngineRun" AS r ON r."batchId" = b."id"
      ${where}
      GROUP BY 1, 2, 3, 4, 5, 6`),
    listEffectivePrices(),
    db.batch.findFirst({ select: { id: true } }),
  ])

  const totals: UsageTotals = {
    batches: 0,
    inputTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    totalTokens: 0,
    cacheWriteTokens: 0,
    cost: 0,
    standardCost: 0,
    cacheWriteCost: 0,
    simulatedTokens: 0,
    unpricedTokens: 0,
    unpricedModels: [],
  }
  const days = new Map<string, UsageDay>()
  const models = new Map<string, UsageGroup>()
  const connections = new Map<string, UsageGroup>()
  const unpriced = new Set<string>()

  for (const group of groups) {
    const usage: TokenUsage | null =
      n(group.withUsage) === 0
        ? null
        : {
            inputTokens: n(group.inputTokens),
            cachedTokens: n(group.cachedTokens),
            outputTokens: n(group.outputTokens),
            reasoningTokens: n(group.reasoningTokens),
            totalTokens: n(group.totalTokens),
            cacheWriteTokens: n(group.cacheWriteTokens),
          }
    const cost = batchCost({ model: group.model, usage, basis: priceBasisOf(group.connectionKind), simulated: n(group.simulated) === 1 }, prices)
    const tokens = usage?.totalTokens ?? 0
    const billed = cost.status === 'priced' ? cost.cost : 0
    const standard = cost.status === 'priced' ? cost.standardCost : 0
    const batches = n(group.batches)

    totals.batches += batches
    totals.inputTokens += usage?.inputTokens ?? 0
    totals.cachedTokens += usage?.cachedTokens ?? 0
    totals.outputTokens += usage?.outputTokens ?? 0
    totals.reasoningTokens += usage?.reasoningTokens ?? 0
    totals.totalTokens += tokens
    totals.cacheWriteTokens += usage?.cacheWriteTokens ?? 0
    totals.cost += billed
    totals.cacheWriteCost += cost.status === 'priced' ? cost.cacheWriteCost : 0
    totals.standardCost += standard
    if (cost.status === 'simulated') totals.simulatedTokens += tokens
    if (cost.status === 'no_price' && tokens > 0) {
      totals.unpricedTokens += tokens
      unpriced.add(group.model ?? '(no model)')
    }

    const day = days.get(group.day) ?? { day: group.day, cost: 0, standardCost: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, batches: 0 }
    day.cost += billed
    day.standardCost += standard
    day.inputTokens += usage?.inputTokens ?? 0
    day.outputTokens += usage?.outputTokens ?? 0
    day.totalTokens += tokens
    day.batches += batches
    days.set(group.day, day)

    const modelKey = group.model ?? ''
    const connectionKey = group.connectionId
    for (const [map, key, label] of [
      [models, modelKey, group.model ?? '(no model)'],
      [connections, connectionKey, group.connectionName],
    ] as const) {
      const entry = map.get(key) ?? emptyGroup(key, label)
      entry.cost += billed
      entry.standardCost += standard
      entry.totalTokens += tokens
      entry.batches += batches
      if (cost.status === 'no_price') entry.unpricedTokens += tokens
      if (cost.status === 'simulated') entry.simulatedTokens += tokens
      map.set(key, entry)
    }
  }
  totals.unpricedModels = [...unpriced].sort()

  // A continuous axis: days without batches are zeros, not gaps.
  const seen = [...days.keys()].sort()
  const first = query.from ?? seen[0]
  const last = query.to ?? seen.at(-1)
  const axis = first && last ? daysBetween(first, last) : []
  const dayList =
    axis.length > 0
      ? axis.map((day) => days.get(day) ?? { day, cost: 0, standardCost: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, batches: 0 })
      : seen.map((day) => days.get(day)!)
  const byWeight = (a: UsageGroup, b: UsageGroup) => b.cost - a.cost || b.totalTokens - a.totalTokens || a.label.localeCompare(b.label)
  return {
    from: query.from ?? null,
    to: query.to ?? null,
    anyBatches: anyBatch !== null,
    totals,
    days: dayList,
    models: [...models.values()].sort(byWeight),
    connections: [...connections.values()].sort(byWeight),
  }
}

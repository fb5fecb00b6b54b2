import 'server-only'
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { TERMINAL_STATUSES } from '@/lib/batch'
import { batchCost, type ModelUsage, type TokenUsage } from '@/lib/pricing'
import type { UsageDay, UsageGroup, UsageReport, UsageTotals } from '@/lib/types'
import type { UsageQuery } from '@/lib/validations/prices'
import { db } from '@/lib/server/db'
import { dayOf } from '@/lib/server/db/dialect'
import { Prisma } from '@/lib/server/db/generated/client'
import { SIMULATOR_UPSTREAM_NAME } from '@/lib/server/engine/upstreams'
import { usageOf } from '@/lib/server/engine/results'
import { listEffectivePrices, parseUsageByModel, priceBasisOf } from '@/lib/server/pricing'
import { fromStoragePath } from '@/lib/server/storage'

/** Anthropic's prompt-cache writes, kept in a converted output body's usage (lib/server/providers/anthropic/results.ts). */
function cacheWriteTokensOf(body: unknown): number {
  const usage = typeof body === 'object' && body !== null && 'usage' in body ? body.usage : null
  const tokens = typeof usage === 'object' && usage !== null && 'cache_creation_input_tokens' in usage ? usage.cache_creation_input_tokens : 0
  return typeof tokens === 'number' && Number.isFinite(tokens) ? tokens : 0
}

const emptyUsage = (): Required<TokenUsage> => ({ inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0, totalTokens: 0, cacheWriteTokens: 0 })

/**
 * Sums `response.body.usage` over an output file's lines (chat, completions, embeddings and responses naming), in
 * total and per the model each line's body names (a line naming none counts for `fallbackModel`, the batch's).
 */
export async function sumOutputUsage(absolutePath: string, fallbackModel: string | null = null): Promise<{ total: TokenUsage; byModel: ModelUsage[] }> {
  const total = emptyUsage()
  const byModel = new Map<string, Required<TokenUsage>>()
  const lines = createInterface({ input: createReadStream(absolutePath), crlfDelay: Infinity })
  for await (const line of lines) {
    if (line.trim() === '') continue
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch {
      continue
    }
    const body = (parsed as { response?: { body?: unknown } } | null)?.response?.body
    const usage = usageOf(body)
    const model = modelOf(body) ?? fallbackModel
    const sums = model === null ? [total] : [total, byModel.get(model) ?? byModel.set(model, emptyUsage()).get(model)!]
    for (const sum of sums) {
      sum.inputTokens += usage.input
      sum.cachedTokens += usage.cached
      sum.outputTokens += usage.output
      sum.reasoningTokens += usage.reasoning
      sum.totalTokens += usage.total
      sum.cacheWriteTokens += cacheWriteTokensOf(body)
    }
  }
  return { total, byModel: [...byModel].map(([model, usage]) => ({ model, usage })) }
}

const modelOf = (body: unknown): string | null =>
  typeof body === 'object' && body !== null && 'model' in body && typeof body.model === 'string' && body.model !== '' ? body.model : null

/**
 * A finished batch whose provider reported no `usage` gets it summed from its output file, once: the sum is written to
 * the batch's usage columns (where the engine and sync write the provider's figures), so later reads cost nothing.
 * Results that name several models (an Anthropic batch may mix them) also keep the sum per model, for the cost.
 */
export async function fillUsageFromOutput(batchId: string): Promise<boolean> {
  const batch = await db.batch.findUnique({
    where: { id: batchId },
    select: { status: true, model: true, usageTotalTokens: true, outputFile: { select: { storagePath: true } } },
  })
  const path = batch?.outputFile?.storagePath
  if (!batch || batch.usageTotalTokens !== null || !path || !(TERMINAL_STATUSES as readonly string[]).includes(batch.status)) return false
  const summed = await sumOutputUsage(fromStoragePath(path), batch.model).catch(() => null)
  if (!summed) return false
  const usage = summed.total
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
      usageByModel: summed.byModel.length > 1 ? JSON.stringify(summed.byModel) : null,
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

type MultiModelRow = Pick<GroupRow, 'day' | 'connectionId' | 'connectionName' | 'connectionKind' | 'simulated'> & { usageByModel: string }

const GROUP_COLUMNS = Prisma.sql`b."connectionId" AS "connectionId", c."name" AS "connectionName", c."kind" AS "connectionKind",
  CASE WHEN b."simulated" OR r."upstreamName" = ${SIMULATOR_UPSTREAM_NAME} THEN 1 ELSE 0 END AS "simulated"`

/** A batch of several models as one group row per model: it counts once in the totals, once in each model's group. */
function splitPerModel(row: MultiModelRow): (GroupRow & { modelBatches: number })[] {
  const { usageByModel, ...group } = row
  return (parseUsageByModel(usageByModel) ?? []).map(({ model, usage }, index) => ({
    ...group,
    model,
    batches: index === 0 ? 1 : 0,
    modelBatches: 1,
    withUsage: 1,
    inputTokens: usage.inputTokens,
    cachedTokens: usage.cachedTokens,
    outputTokens: usage.outputTokens,
    reasoningTokens: usage.reasoningTokens,
    totalTokens: usage.totalTokens,
    cacheWriteTokens: usage.cacheWriteTokens ?? 0,
  }))
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
  // Batches whose results name several models are read one by one and split per model below; the rest sum here.
  const where = (multiModel: boolean) =>
    Prisma.sql`WHERE ${Prisma.join([...conditions, multiModel ? Prisma.sql`b."usageByModel" IS NOT NULL` : Prisma.sql`b."usageByModel" IS NULL`], ' AND ')}`
  const [summed, multiModel, prices, anyBatch] = await Promise.all([
    db.$queryRaw<GroupRow[]>(Prisma.sql`
      SELECT ${DAY} AS "day", b."model" AS "model", ${GROUP_COLUMNS},
        COUNT(*) AS "batches", COUNT(b."usageTotalTokens") AS "withUsage",
        ${sumOf('usageInputTokens')} AS "inputTokens", ${sumOf('usageCachedTokens')} AS "cachedTokens", ${sumOf('usageOutputTokens')} AS "outputTokens",
        ${sumOf('usageReasoningTokens')} AS "reasoningTokens", ${sumOf('usageTotalTokens')} AS "totalTokens",
        ${sumOf('usageCacheWriteTokens')} AS "cacheWriteTokens"
      FROM "Batch" AS b JOIN "Connection" AS c ON c."id" = b."connectionId" LEFT JOIN "EngineRun" AS r ON r."batchId" = b."id"
      ${where(false)}
      GROUP BY 1, 2, 3, 4, 5, 6`),
    db.$queryRaw<MultiModelRow[]>(Prisma.sql`
      SELECT ${DAY} AS "day", ${GROUP_COLUMNS}, b."usageByModel" AS "usageByModel"
      FROM "Batch" AS b JOIN "Connection" AS c ON c."id" = b."connectionId" LEFT JOIN "EngineRun" AS r ON r."batchId" = b."id"
      ${where(true)}`),
    listEffectivePrices(),
    db.batch.findFirst({ select: { id: true } }),
  ])
  const groups: (GroupRow & { modelBatches?: number })[] = [...summed, ...multiModel.flatMap(splitPerModel)]

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
    for (const [map, key, label, counted] of [
      [models, modelKey, group.model ?? '(no model)', group.modelBatches ?? batches],
      [connections, connectionKey, group.connectionName, batches],
    ] as const) {
      const entry = map.get(key) ?? emptyGroup(key, label)
      entry.cost += billed
      entry.standardCost += standard
      entry.totalTokens += tokens
      entry.batches += counted
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

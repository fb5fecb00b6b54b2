import 'server-only'
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { upstreamSeedSchema } from '@/lib/config/env'
import { decryptSecret, encryptSecret, secretHint } from '@/lib/server/crypto'
import { db } from '@/lib/server/db'
import { env } from '@/lib/server/env'
import { AppError, notFound } from '@/lib/server/http/errors'
import { matchScore } from './model-patterns'
import { startSimulator, type Simulator } from './simulator'

/** What the management UI sends: an omitted apiKey keeps the stored one, null removes it. */
export const saveUpstreamInput = upstreamSeedSchema.extend({
  id: z.string().min(1).max(100).optional(),
  apiKey: z.string().max(10_000).nullable().optional(),
})
export type SaveUpstreamInput = z.input<typeof saveUpstreamInput>

export const upstreamIdInput = z.object({ id: z.string().min(1).max(100) })

export type UpstreamSummary = {
  id: string
  name: string
  baseUrl: string
  /** Last 4 characters of the key; the rest never leaves the server. */
  apiKeyHint: string | null
  models: string[]
  maxConcurrency: number
  timeoutMs: number
  /** Header names only: values may be secrets. */
  headerNames: string[]
  source: 'env' | 'user'
}

/** Everything the engine needs to call an upstream, secrets decrypted. */
export type UpstreamTarget = {
  key: string
  name: string
  baseUrl: string
  headers: Record<string, string>
  maxConcurrency: number
  timeoutMs: number
  simulated: boolean
}

export const SIMULATOR_UPSTREAM_NAME = 'simulator'
/** Models the simulator always answers, whatever else is configured. */
export const isSimulatorModel = (model: string) => model.startsWith('sim-')

type UpstreamRow = Awaited<ReturnType<typeof db.upstream.findMany>>[number]

const modelsOf = (row: UpstreamRow) => (Array.isArray(row.models) ? (row.models as unknown[]).filter((m): m is string => typeof m === 'string') : [])
const headersOf = (row: UpstreamRow): Record<string, string> => (row.headersEncrypted ? (JSON.parse(decryptSecret(row.headersEncrypted)) as Record<string, string>) : {})

function toSummary(row: UpstreamRow): UpstreamSummary {
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.baseUrl,
    apiKeyHint: row.apiKeyHint,
    models: modelsOf(row),
    maxConcurrency: row.maxConcurrency,
    timeoutMs: row.timeoutMs,
    headerNames: Object.keys(headersOf(row)),
    source: row.source === 'env' ? 'env' : 'user',
  }
}

let cache: { rows: UpstreamRow[]; at: number } | null = null
const CACHE_MS = 5_000

async function loadRows(): Promise<UpstreamRow[]> {
  if (cache && Date.now() - cache.at < CACHE_MS) return cache.rows
  const rows = await db.upstream.findMany({ orderBy: { createdAt: 'asc' } })
  cache = { rows, at: Date.now() }
  return rows
}

export async function listUpstreams(): Promise<UpstreamSummary[]> {
  const rows = await db.upstream.findMany({ orderBy: { createdAt: 'asc' } })
  return rows.map(toSummary)
}

export async function saveUpstream(raw: SaveUpstreamInput, source: 'env' | 'user' = 'user'): Promise<UpstreamSummary> {
  const input = saveUpstreamInput.parse(raw)
  if (input.name === SIMULATOR_UPSTREAM_NAME) {
    throw new AppError(400, 'invalid_request', `'${SIMULATOR_UPSTREAM_NAME}' is the built-in simulator's name; choose another.`, { param: 'name' })
  }
  const existing = input.id ? await db.upstream.findUnique({ where: { id: input.id } }) : await db.upstream.findUnique({ where: { name: input.name } })
  if (input.id && !existing) throw notFound('upstream', input.id)
  const clash = await db.upstream.findUnique({ where: { name: input.name } })
  if (clash && clash.id !== existing?.id) throw new AppError(409, 'name_taken', `An upstream named '${input.name}' already exists.`, { param: 'name' })
  const data = {
    name: input.name,
    baseUrl: input.baseUrl.replace(/\/+$/, ''),
    models: input.models,
    maxConcurrency: input.maxConcurrency,
    timeoutMs: input.timeoutMs,
    headersEncrypted: Object.keys(input.headers).length > 0 ? encryptSecret(JSON.stringify(input.headers)) : null,
    source,
    ...(input.apiKey === undefined ? {} : { apiKeyEncrypted: input.apiKey ? encryptSecret(input.apiKey) : null, apiKeyHint: input.apiKey ? secretHint(input.apiKey) : null }),
  }
  const row = existing
    ? await db.upstream.update({ where: { id: existing.id }, data })
    : await db.upstream.create({ data: { id: `ups_${randomBytes(8).toString('hex')}`, ...data } })
  cache = null
  return toSummary(row)
}

export async function deleteUpstream(id: string): Promise<{ id: string }> {
  const { count } = await db.upstream.deleteMany({ where: { id } })
  if (count === 0) throw notFound('upstream', id)
  cache = null
  return { id }
}

/** BATCHBOARD_UPSTREAMS is the truth for upstreams it names: rewritten on every start, removed when dropped from it. */
export async function seedUpstreamsFromEnv(): Promise<void> {
  for (const seed of env.upstreams) await saveUpstream({ ...seed, apiKey: seed.apiKey ?? null }, 'env')
  await db.upstream.deleteMany({ where: { source: 'env', name: { notIn: env.upstreams.map((seed) => seed.name) } } })
  cache = null
}

let builtinSimulator: Promise<Simulator> | null = null

/** The simulator this process starts on first use, configured by the BATCHBOARD_SIMULATOR_* variables. */
export function getBuiltinSimulator(): Promise<Simulator> {
  builtinSimulator ??= startSimulator({
    latencyMs: env.simulator.latencyMs,
    errorRate: env.simulator.errorRate,
    rateLimitRate: env.simulator.rateLimitRate,
    timeoutRate: env.simulator.timeoutRate,
  })
  return builtinSimulator
}

async function simulatorTarget(): Promise<UpstreamTarget> {
  const simulator = await getBuiltinSimulator()
  return {
    key: SIMULATOR_UPSTREAM_NAME,
    name: SIMULATOR_UPSTREAM_NAME,
    baseUrl: simulator.url,
    headers: {},
    maxConcurrency: env.simulator.concurrency,
    timeoutMs: 30_000,
    simulated: true,
  }
}

/**
 * The upstream for a line's model: sim-* models go to the simulator; while no upstream is configured every model
 * does, so a fresh install runs a whole batch with no key and no model. Null when upstreams exist but none serves it.
 */
export async function resolveUpstream(model: string | null): Promise<UpstreamTarget | null> {
  const rows = await loadRows()
  if (rows.length === 0 || (model !== null && isSimulatorModel(model))) return simulatorTarget()
  if (model === null) return null
  let best: UpstreamRow | null = null
  let bestScore = -1
  for (const row of rows) {
    for (const pattern of modelsOf(row)) {
      const score = matchScore(pattern, model)
      if (score > bestScore) {
        best = row
        bestScore = score
      }
    }
  }
  if (!best) return null
  const apiKey = best.apiKeyEncrypted ? decryptSecret(best.apiKeyEncrypted) : null
  return {
    key: `${best.id}:${best.updatedAt.getTime()}`,
    name: best.name,
    baseUrl: best.baseUrl,
    headers: { ...headersOf(best), ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    maxConcurrency: best.maxConcurrency,
    timeoutMs: best.timeoutMs,
    simulated: false,
  }
}

/** Drops cached upstream rows, e.g. after a test or another process changed them. */
export function forgetUpstreamCache() {
  cache = null
}

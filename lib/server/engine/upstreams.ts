import 'server-only'
import { decryptSecret, encryptSecret, secretHint } from '@/lib/server/crypto'
import { db } from '@/lib/server/db'
import { env } from '@/lib/server/env'
import { AppError, notFound } from '@/lib/server/http/errors'
import type { ModelRoute, UpstreamSummary } from '@/lib/types'
import { saveUpstreamInput, type SaveUpstreamInput } from '@/lib/validations/upstreams'
import { matchScore } from '@/lib/batch/model-patterns'
import { startSimulator, type Simulator } from './simulator'
import { newUpstreamId } from '@/lib/server/ids'

// The schema lives in lib/validations so the management form checks with the same rules.
export { saveUpstreamInput, upstreamIdInput, type SaveUpstreamInput } from '@/lib/validations/upstreams'
export type { UpstreamSummary } from '@/lib/types'

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
const headersOf = (row: UpstreamRow): Record<string, string> =>
  row.headersEncrypted ? (JSON.parse(decryptSecret(row.headersEncrypted)) as Record<string, string>) : {}

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
  // Header values are write-only in the app: the form sends back the names whose stored value stays.
  const stored = existing ? headersOf(existing) : {}
  const kept = Object.fromEntries(input.keepHeaders.filter((name) => name in stored).map((name) => [name, stored[name]!]))
  const headers = { ...kept, ...input.headers }
  const data = {
    name: input.name,
    baseUrl: input.baseUrl.replace(/\/+$/, ''),
    models: input.models,
    maxConcurrency: input.maxConcurrency,
    timeoutMs: input.timeoutMs,
    headersEncrypted: Object.keys(headers).length > 0 ? encryptSecret(JSON.stringify(headers)) : null,
    source,
    ...(input.apiKey === undefined
      ? {}
      : { apiKeyEncrypted: input.apiKey ? encryptSecret(input.apiKey) : null, apiKeyHint: input.apiKey ? secretHint(input.apiKey) : null }),
  }
  const row = existing ? await db.upstream.update({ where: { id: existing.id }, data }) : await db.upstream.create({ data: { id: newUpstreamId(), ...data } })
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

type Pick = { kind: 'simulator'; reason: 'sim-model' | 'no-upstreams' } | { kind: 'row'; row: UpstreamRow; pattern: string } | null

/** The routing rule, shared by the engine and the "Route a model" preview. */
function pickUpstream(rows: UpstreamRow[], model: string | null): Pick {
  if (model !== null && isSimulatorModel(model)) return { kind: 'simulator', reason: 'sim-model' }
  if (rows.length === 0) return { kind: 'simulator', reason: 'no-upstreams' }
  if (model === null) return null
  let best: { row: UpstreamRow; pattern: string } | null = null
  let bestScore = -1
  for (const row of rows) {
    for (const pattern of modelsOf(row)) {
      const score = matchScore(pattern, model)
      if (score > bestScore) {
        best = { row, pattern }
        bestScore = score
      }
    }
  }
  return best ? { kind: 'row', ...best } : null
}

function toTarget(row: UpstreamRow): UpstreamTarget {
  const apiKey = row.apiKeyEncrypted ? decryptSecret(row.apiKeyEncrypted) : null
  return {
    key: `${row.id}:${row.updatedAt.getTime()}`,
    name: row.name,
    baseUrl: row.baseUrl,
    headers: { ...headersOf(row), ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    maxConcurrency: row.maxConcurrency,
    timeoutMs: row.timeoutMs,
    simulated: false,
  }
}

/**
 * The upstream for a line's model: sim-* models go to the simulator; while no upstream is configured every model
 * does, so a fresh install runs a whole batch with no key and no model. Null when upstreams exist but none serves it.
 */
export async function resolveUpstream(model: string | null): Promise<UpstreamTarget | null> {
  const pick = pickUpstream(await loadRows(), model)
  if (pick === null) return null
  return pick.kind === 'simulator' ? simulatorTarget() : toTarget(pick.row)
}

/** Where resolveUpstream would send a model, without starting the simulator or decrypting anything. */
export async function routeModel(model: string): Promise<ModelRoute> {
  const pick = pickUpstream(await db.upstream.findMany({ orderBy: { createdAt: 'asc' } }), model)
  if (pick === null) return { model, upstream: null, reason: 'no-match' }
  if (pick.kind === 'simulator') return { model, upstream: 'simulator', reason: pick.reason }
  return { model, upstream: { id: pick.row.id, name: pick.row.name }, reason: 'pattern', pattern: pick.pattern }
}

/** One upstream's request target (key and headers decrypted), e.g. to test it. Server-side only, never returned. */
export async function getUpstreamTarget(id: string): Promise<UpstreamTarget & { source: 'env' | 'user' }> {
  const row = await db.upstream.findUnique({ where: { id } })
  if (!row) throw notFound('upstream', id)
  return { ...toTarget(row), source: row.source === 'env' ? 'env' : 'user' }
}

/** An upstream's summary, or null when there is none with this id. */
export async function findUpstream(id: string): Promise<UpstreamSummary | null> {
  const row = await db.upstream.findUnique({ where: { id } })
  return row ? toSummary(row) : null
}

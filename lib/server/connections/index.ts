import 'server-only'
import { BUILTIN_CONNECTION_ID, BUILTIN_CONNECTION_KIND } from '@/lib/constants'
import { batchLimitsOf } from '@/lib/connections/limits'
import { Prisma, type Connection } from '@/lib/server/db/generated/client'
import { decryptSecret, encryptSecret, secretHint } from '@/lib/server/crypto'
import { db } from '@/lib/server/db'
import { env } from '@/lib/server/env'
import { AppError, notFound } from '@/lib/server/http/errors'
import type { ConnectionSummary, ConnectionTestResult } from '@/lib/types'
import { connectionLimitsInput, DEFAULT_BASE_URLS, OPENAI_BASE_URL, saveConnectionInput, type SaveConnectionInput } from '@/lib/validations/connections'
import { builtinConnection } from './builtin'
import { parseConnectionKind } from './kinds'
import { openaiClient } from './openai'
import { providerOf, targetOf } from './provider'
import { describeProviderError, redact } from './provider-errors'
import { remoteConnection } from './remote'
import type { BatchConnection } from './types'
import { newConnectionId } from '@/lib/server/ids'

export type { BatchConnection, BatchPage, CreateRemoteBatch, ImportResult, RemoteBatch, RemoteFile, StartBatchInput } from './types'

/** The name OPENAI_API_KEY's connection gets (unless a connection made in the app has it already). */
export const ENV_CONNECTION_NAME = 'OpenAI'

function toSummary(row: Connection & { _count: { batches: number } }): ConnectionSummary {
  return {
    id: row.id,
    kind: parseConnectionKind(row.kind),
    name: row.name,
    baseUrl: row.baseUrl,
    apiKeyHint: row.apiKeyHint,
    organization: row.organization,
    project: row.project,
    source: row.source === 'env' ? 'env' : 'user',
    batchCount: row._count.batches,
    webhookSecretSet: row.webhookSecretEncrypted !== null,
    maxRequestsPerBatch: row.maxRequestsPerBatch,
    maxBytesPerBatch: row.maxBytesPerBatch === null ? null : Number(row.maxBytesPerBatch),
    enqueuedTokenLimits: parseTokenLimits(row.enqueuedTokenLimits),
    defaultMaxTokens: row.defaultMaxTokens,
  }
}

/** The stored JSON read back; anything but a { name: positive number } map (never written by Batchboard) is no limit. */
export function parseTokenLimits(value: unknown): Record<string, number> | null {
  const parsed = connectionLimitsInput.shape.enqueuedTokenLimits.safeParse(value)
  return parsed.success ? (parsed.data ?? null) : null
}

const withCount = { _count: { select: { batches: true } } } as const

export async function listConnections(): Promise<ConnectionSummary[]> {
  const rows = await db.connection.findMany({ include: withCount, orderBy: [{ createdAt: 'asc' }] })
  // The built-in engine first: it is always there and is the default.
  rows.sort((a, b) => Number(b.id === BUILTIN_CONNECTION_ID) - Number(a.id === BUILTIN_CONNECTION_ID))
  return rows.map(toSummary)
}

async function findRemote(id: string): Promise<Connection> {
  const row = await db.connection.findUnique({ where: { id } })
  if (!row) throw notFound('connection', id)
  if (row.kind === BUILTIN_CONNECTION_KIND) {
    throw new AppError(409, 'builtin_connection', 'The built-in engine is part of Batchboard; manage it under Connections → Built-in engine.', { param: 'id' })
  }
  return row
}

/** The limits of a connection's kind with the connection's own overrides. */
function limitsOf(row: Connection) {
  return batchLimitsOf({
    kind: row.kind,
    maxRequestsPerBatch: row.maxRequestsPerBatch,
    maxBytesPerBatch: row.maxBytesPerBatch === null ? null : Number(row.maxBytesPerBatch),
    enqueuedTokenLimits: null,
  })
}

/**
 * The registry: any connection by id as a BatchConnection, the one seam the batch service, the sync, jobs and the
 * actions call. The built-in engine's batch row is the batch; every other kind shares one remote lifecycle over its
 * own provider calls (provider.ts chooses those by kind).
 */
export async function getConnection(id: string): Promise<BatchConnection> {
  const row = await db.connection.findUnique({ where: { id } })
  if (!row) throw notFound('connection', id)
  const provider = providerOf(row)
  return provider.kind === BUILTIN_CONNECTION_KIND ? builtinConnection(provider, limitsOf(row)) : remoteConnection(provider, limitsOf(row))
}

/** For what only a provider has: refuses the built-in engine with a clear 409. */
export async function getRemoteConnection(id: string): Promise<BatchConnection> {
  await findRemote(id)
  return getConnection(id)
}

/** The webhook secrets to try for an incoming event: each connection's, then OPENAI_WEBHOOK_SECRET. */
export async function listWebhookSecrets(): Promise<{ connectionId: string | null; secret: string }[]> {
  const rows = await db.connection.findMany({
    where: { kind: 'openai', webhookSecretEncrypted: { not: null } },
    select: { id: true, webhookSecretEncrypted: true },
  })
  const secrets = rows.map((row) => ({ connectionId: row.id as string | null, secret: decryptSecret(row.webhookSecretEncrypted!) }))
  if (env.openaiWebhookSecret) secrets.push({ connectionId: null, secret: env.openaiWebhookSecret })
  return secrets
}

const readOnly = (name: string) =>
  new AppError(409, 'read_only', `'${name}' is set by OPENAI_API_KEY; change it in the environment and restart Batchboard.`, { param: 'id' })

async function writeConnection(raw: SaveConnectionInput, source: 'env' | 'user', existing: Connection | null): Promise<ConnectionSummary> {
  const input = saveConnectionInput.parse(raw)
  // A connection keeps its kind: its batches' ids only mean something to that provider.
  const kind = existing ? parseConnectionKind(existing.kind) : input.kind
  if (kind === BUILTIN_CONNECTION_KIND) throw new AppError(409, 'builtin_connection', 'The built-in engine cannot be edited here.', { param: 'id' })
  const clash = await db.connection.findUnique({ where: { name: input.name } })
  if (clash && clash.id !== existing?.id) throw new AppError(409, 'name_taken', `A connection named '${input.name}' already exists.`, { param: 'name' })
  const data = {
    kind,
    name: input.name,
    baseUrl: input.baseUrl ?? DEFAULT_BASE_URLS[kind],
    // OpenAI's headers and webhooks; other kinds have none.
    organization: kind === 'openai' ? input.organization : null,
    project: kind === 'openai' ? input.project : null,
    source,
    // Write-only: omitted keeps the stored key, null removes it.
    ...(input.apiKey === undefined || input.apiKey === ''
      ? {}
      : { apiKeyEncrypted: input.apiKey ? encryptSecret(input.apiKey) : null, apiKeyHint: input.apiKey ? secretHint(input.apiKey) : null }),
    ...(input.defaultMaxTokens === undefined ? {} : { defaultMaxTokens: input.defaultMaxTokens }),
    ...(input.webhookSecret === undefined || input.webhookSecret === '' || kind !== 'openai'
      ? {}
      : { webhookSecretEncrypted: input.webhookSecret ? encryptSecret(input.webhookSecret) : null }),
    // Omitted keeps the stored limits; null goes back to the kind's default.
    ...(input.maxRequestsPerBatch === undefined ? {} : { maxRequestsPerBatch: input.maxRequestsPerBatch }),
    ...(input.maxBytesPerBatch === undefined ? {} : { maxBytesPerBatch: input.maxBytesPerBatch === null ? null : BigInt(input.maxBytesPerBatch) }),
    ...(input.enqueuedTokenLimits === undefined ? {} : { enqueuedTokenLimits: input.enqueuedTokenLimits ?? Prisma.DbNull }),
  }
  const row = existing
    ? await db.connection.update({ where: { id: existing.id }, data, include: withCount })
    : await db.connection.create({ data: { id: newConnectionId(), ...data }, include: withCount })
  return toSummary(row)
}

/** Adds (no id) or edits a connection made in the app. */
export async function saveAppConnection(raw: SaveConnectionInput): Promise<ConnectionSummary> {
  const existing = raw.id === undefined ? null : await findRemote(raw.id)
  if (existing?.source === 'env') throw readOnly(existing.name)
  return writeConnection(raw, 'user', existing)
}

export async function deleteAppConnection(id: string): Promise<{ id: string }> {
  const row = await findRemote(id)
  if (row.source === 'env') throw readOnly(row.name)
  // Deleting would cascade to the batch records, and a batch id must never be lost.
  const batches = await db.batch.count({ where: { connectionId: id } })
  if (batches > 0) {
    throw new AppError(409, 'has_batches', `'${row.name}' has ${batches} ${batches === 1 ? 'batch' : 'batches'}; delete those records first.`, { param: 'id' })
  }
  await db.connection.delete({ where: { id } })
  return { id }
}

export const CONNECTION_TEST_TIMEOUT_MS = 10_000

/**
 * One listing call (`batches.list({ limit: 1 })` or the kind's own), once (no retries), within 10 s: latency and what
 * it saw, or the exact error.
 */
export async function testConnection(id: string): Promise<ConnectionTestResult> {
  const row = await findRemote(id)
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  if (row.kind !== 'openai') {
    const { api } = providerOf(row, CONNECTION_TEST_TIMEOUT_MS)
    try {
      const page = await api.listBatches({ limit: 1 })
      return { ok: true, latencyMs: elapsed(), batchesSeen: page.data.length, hasMore: page.hasMore }
    } catch (error) {
      return { ok: false, latencyMs: elapsed(), ...api.describeError(error) }
    }
  }
  const target = targetOf(row)
  const client = openaiClient(target, { timeout: CONNECTION_TEST_TIMEOUT_MS, maxRetries: 0 })
  try {
    const page = await client.batches.list({ limit: 1 })
    const latencyMs = elapsed()
    if (!Array.isArray(page.data)) {
      return {
        ok: false,
        latencyMs,
        status: 200,
        message: 'The server answered, but not with a list of batches ({"data":[…]}). Check that the base URL ends in /v1.',
      }
    }
    return { ok: true, latencyMs, batchesSeen: page.data.length, hasMore: page.has_more }
  } catch (error) {
    const { status, message } = describeProviderError(error, CONNECTION_TEST_TIMEOUT_MS)
    return { ok: false, latencyMs: elapsed(), status, message: redact(message, [target.apiKey]) }
  }
}

/**
 * OPENAI_API_KEY (with OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID) is the truth for the connection it makes:
 * rewritten on every start. When the variable goes away the connection goes too, unless batches ran on it: then it
 * is handed over to the app (its key kept) so no batch record is lost.
 */
export async function seedConnectionsFromEnv(): Promise<void> {
  const current = await db.connection.findFirst({ where: { source: 'env', kind: 'openai' } })
  if (!env.openai) {
    if (!current) return
    const batches = await db.batch.count({ where: { connectionId: current.id } })
    if (batches > 0) await db.connection.update({ where: { id: current.id }, data: { source: 'user' } })
    else await db.connection.delete({ where: { id: current.id } })
    return
  }
  // A connection made in the app may be called "OpenAI" already; it is left alone.
  const taken = await db.connection.findUnique({ where: { name: ENV_CONNECTION_NAME } })
  const name = taken && taken.id !== current?.id ? `${ENV_CONNECTION_NAME} (environment)` : ENV_CONNECTION_NAME
  await writeConnection(
    {
      name,
      baseUrl: env.openai.baseUrl ?? OPENAI_BASE_URL,
      apiKey: env.openai.apiKey,
      organization: env.openai.organization ?? null,
      project: env.openai.project ?? null,
    },
    'env',
    current,
  )
}

import 'server-only'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { z } from 'zod'
import { db } from '@/lib/server/db'
import { env } from '@/lib/server/env'
import { notFound } from '@/lib/server/http/errors'
import type { ApiKeyList, ApiKeySummary, CreatedApiKey } from '@/lib/types'
import type { createApiKeyInput } from '@/lib/validations/api-keys'
import { newApiKeyId } from '@/lib/server/ids'

// The schemas live in lib/validations so the Settings form checks with the same rules.
export { apiKeyIdInput, createApiKeyInput } from '@/lib/validations/api-keys'
export type { ApiKeySummary } from '@/lib/types'

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex')

const toSummary = (row: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): ApiKeySummary => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
})

/** The plaintext key is returned here and never again: only its sha256 is stored. */
export async function createApiKey(input: z.infer<typeof createApiKeyInput>): Promise<CreatedApiKey> {
  const key = `bb-${randomBytes(24).toString('base64url')}`
  const row = await db.apiKey.create({
    data: { id: newApiKeyId(), name: input.name, hash: hashKey(key), prefix: key.slice(0, 7) },
  })
  return { ...toSummary(row), key }
}

export async function listApiKeys(): Promise<ApiKeySummary[]> {
  const rows = await db.apiKey.findMany({ orderBy: { createdAt: 'desc' } })
  return rows.map(toSummary)
}

/** What Settings shows: the keys made in the app, and whether BATCHBOARD_API_KEY is set (a boolean, never the value). */
export async function getApiKeyList(): Promise<ApiKeyList> {
  return { keys: await listApiKeys(), envKeySet: env.apiKey !== undefined }
}

export async function revokeApiKey(id: string): Promise<ApiKeySummary> {
  const row = await db.apiKey.findUnique({ where: { id } })
  if (!row) throw notFound('API key', id)
  return toSummary(row.revokedAt ? row : await db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } }))
}

const LAST_USED_PRECISION_MS = 60_000

/** Whether a presented key is BATCHBOARD_API_KEY or an unrevoked key made in the app. */
export async function verifyApiKey(key: string): Promise<boolean> {
  if (env.apiKey !== undefined) {
    const given = createHash('sha256').update(key).digest()
    const expected = createHash('sha256').update(env.apiKey).digest()
    if (timingSafeEqual(given, expected)) return true
  }
  const row = await db.apiKey.findUnique({ where: { hash: hashKey(key) } })
  if (!row || row.revokedAt) return false
  // Writing on every request would make each /v1 call a write transaction; a minute's precision is enough.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => {})
  }
  return true
}

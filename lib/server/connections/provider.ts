import 'server-only'
import { BUILTIN_CONNECTION_KIND } from '@/lib/constants'
import type { Connection } from '@/lib/server/db/generated/client'
import { decryptSecret } from '@/lib/server/crypto'
import { db } from '@/lib/server/db'
import { env } from '@/lib/server/env'
import { notFound } from '@/lib/server/http/errors'
import { anthropicApi, type ProviderTarget } from '@/lib/server/providers/anthropic/api'
import { geminiApi } from '@/lib/server/providers/gemini/api'
import { OPENAI_BASE_URL } from '@/lib/validations/connections'
import { builtinApi } from './builtin'
import { parseConnectionKind } from './kinds'
import { openaiApi, type OpenAITarget } from './openai'
import type { ProviderApi, ProviderConnection } from './types'

export function targetOf(row: Connection): OpenAITarget {
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.baseUrl ?? OPENAI_BASE_URL,
    apiKey: row.apiKeyEncrypted ? decryptSecret(row.apiKeyEncrypted) : null,
    organization: row.organization,
    project: row.project,
  }
}

/** What the Anthropic and Gemini adapters need; the key decrypted, so this never leaves the server. */
function providerTarget(row: Connection): ProviderTarget {
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.baseUrl,
    apiKey: row.apiKeyEncrypted ? decryptSecret(row.apiKeyEncrypted) : null,
    defaultMaxTokens: row.defaultMaxTokens,
  }
}

/**
 * Each kind's adapter: the one place that chooses by kind. `openai` ones talk to their provider through the SDK, with
 * the SDK's own retries off (callers decide what is safe to repeat, provider-errors.ts, and how long to wait); the
 * built-in one answers in-process with what /v1 serves. The `anthropic` and `gemini` adapters translate their
 * provider's requests, statuses and result files into OpenAI's shapes (lib/server/providers), their SDKs' retries off
 * too.
 */
function apiOf(row: Connection, timeout: number): ProviderApi {
  const kind = parseConnectionKind(row.kind)
  switch (kind) {
    case BUILTIN_CONNECTION_KIND:
      return builtinApi()
    case 'openai':
      return openaiApi(targetOf(row), { timeout: timeout, maxRetries: 0 })
    case 'anthropic':
      return anthropicApi(providerTarget(row), { timeout })
    case 'gemini':
      return geminiApi(providerTarget(row), { timeout })
  }
}

/** `timeoutMs`: per provider call (BATCHBOARD_PROVIDER_TIMEOUT_MS unless a caller needs a quicker answer). */
export function providerOf(row: Connection, timeoutMs = env.providerTimeoutMs): ProviderConnection {
  return { id: row.id, kind: parseConnectionKind(row.kind), name: row.name, api: apiOf(row, timeoutMs) }
}

/** A connection's provider calls by id: for the sync, result downloads and the cleanup sweep, below the lifecycle. */
export async function getProviderConnection(id: string): Promise<ProviderConnection> {
  const row = await db.connection.findUnique({ where: { id } })
  if (!row) throw notFound('connection', id)
  return providerOf(row)
}

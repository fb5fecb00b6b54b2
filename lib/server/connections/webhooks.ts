import 'server-only'
import OpenAI from 'openai'
import { db } from '@/lib/server/db'
import { AppError } from '@/lib/server/http/errors'
import { listWebhookSecrets } from './index'
import { requestSync, syncBatchNow } from './sync'

// Verification only needs the SDK's webhooks.unwrap; no request is ever sent with this client.
const verifier = new OpenAI({ apiKey: 'webhook-verification-only', baseURL: 'http://127.0.0.1:9/v1', organization: null, project: null, webhookSecret: null })

export type WebhookOutcome = { received: string; batches: number }

/**
 * An OpenAI webhook (batch.completed, batch.failed, batch.expired, batch.cancelled, …): the signature is checked with
 * the SDK against each connection's secret and OPENAI_WEBHOOK_SECRET, then the batches with that remote id are
 * refreshed at once. Unknown batches are acknowledged (200) so the provider stops resending; polling stays the fallback.
 */
export async function receiveOpenAIWebhook(payload: string, headers: Headers): Promise<WebhookOutcome> {
  const secrets = await listWebhookSecrets()
  if (secrets.length === 0) {
    throw new AppError(
      400,
      'webhook_not_configured',
      'No webhook secret is configured: add the signing secret (whsec_…) to the connection, or set OPENAI_WEBHOOK_SECRET.',
    )
  }
  type Event = { type?: unknown; data?: { id?: unknown } }
  let event: Event | null = null
  let connectionId: string | null = null
  let lastError = 'The signature does not match.'
  for (const candidate of secrets) {
    try {
      event = (await verifier.webhooks.unwrap(payload, headers, candidate.secret)) as Event
      connectionId = candidate.connectionId
      break
    } catch (error) {
      lastError = error instanceof Error ? error.message : lastError
    }
  }
  if (!event) throw new AppError(400, 'invalid_signature', `The webhook was not verified: ${lastError} Check the signing secret on the connection.`)
  const verified: Event = event
  const type = typeof verified.type === 'string' ? verified.type : 'unknown'
  const remoteId = typeof verified.data?.id === 'string' ? verified.data.id : null
  if (!type.startsWith('batch.') || remoteId === null) return { received: type, batches: 0 }
  const batches = await db.batch.findMany({
    where: { remoteId, connection: { kind: 'openai', ...(connectionId ? { id: connectionId } : {}) } },
    select: { id: true },
  })
  for (const batch of batches) {
    await requestSync(batch.id)
    // Not awaited: the provider wants a quick 2xx; the refresh records its own outcome on the row.
    void syncBatchNow(batch.id)
  }
  return { received: type, batches: batches.length }
}

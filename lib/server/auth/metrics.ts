import 'server-only'
import { createHash, timingSafeEqual } from 'node:crypto'
import { verifyApiKey } from '@/lib/server/api-keys'
import { env } from '@/lib/server/env'
import { authorizeRequest } from './index'

const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * Who may read GET /metrics: a scraper with METRICS_TOKEN or a /v1 API key as a Bearer token, or a logged-in
 * browser. A wrong Bearer token falls through to the session check and its 401.
 */
export async function authorizeMetrics(request: Request): Promise<void> {
  const bearer = /^Bearer\s+(\S+)$/i.exec((request.headers.get('authorization') ?? '').trim())?.[1]
  if (bearer) {
    if (env.metricsToken !== undefined && timingSafeEqual(digest(bearer), digest(env.metricsToken))) return
    if (await verifyApiKey(bearer)) return
  }
  await authorizeRequest(request)
}

import { authorizeMetrics } from '@/lib/server/auth/metrics'
import { defineRoute } from '@/lib/server/http/route'
import { renderMetrics } from '@/lib/server/metrics'

// Prometheus scrapes this: its own credentials (METRICS_TOKEN or an API key), or a session.
export const dynamic = 'force-dynamic'

export const GET = defineRoute({ public: true }, async ({ request }) => {
  await authorizeMetrics(request)
  const { body, contentType } = await renderMetrics()
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } })
})

import 'server-only'
import { logRequest } from '@/lib/server/log'
import { recordRequestDuration } from '@/lib/server/metrics'

/**
 * The route's pattern (`/api/batches/[batchId]`) from its URL and params: logs and metrics group by route, not by
 * id, and an id never becomes a metric label.
 */
export function routePattern(pathname: string, params: Record<string, string | string[]>): string {
  const names = new Map<string, string>()
  for (const [name, value] of Object.entries(params)) for (const part of [value].flat()) names.set(part, name)
  if (names.size === 0) return pathname
  return pathname
    .split('/')
    .map((segment) => {
      let decoded = segment
      try {
        decoded = decodeURIComponent(segment)
      } catch {}
      const name = names.get(decoded)
      return name ? `[${name}]` : segment
    })
    .join('/')
}

/** Records one answered request: its log line and its duration in the metrics. */
export function observeRequest(request: { method: string; route: string; status: number; startedAt: number; requestId?: string }) {
  const durationMs = performance.now() - request.startedAt
  logRequest({ method: request.method, route: request.route, status: request.status, durationMs, requestId: request.requestId })
  recordRequestDuration(request.method, request.route, request.status, durationMs)
}

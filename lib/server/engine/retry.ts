import 'server-only'

/** 408, 409, 429 and 5xx may succeed on a later attempt; other 4xx never will. */
export const isRetryableStatus = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500

/** Retry-After as OpenAI sends it (retry-after-ms, or retry-after in seconds or as a date), capped. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, capMs: number): number | null {
  const ms = Number(headers['retry-after-ms'])
  if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, capMs)
  const value = headers['retry-after']
  if (typeof value !== 'string') return null
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, capMs)
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.min(Math.max(0, date - Date.now()), capMs)
}

/** Exponential backoff with jitter: 50–100% of base·2^(attempt-1), so retrying lines do not move in lockstep. */
export function backoffMs(attempt: number, options: { backoffBaseMs: number; backoffMaxMs: number }, random = Math.random): number {
  const ceiling = Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** (attempt - 1))
  return Math.round(ceiling * (0.5 + random() / 2))
}

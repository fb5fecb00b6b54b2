import 'server-only'
import { setTimeout as sleep } from 'node:timers/promises'

/** The provider's Retry-After (retry-after-ms, or retry-after in seconds or as an HTTP date), in ms; null when absent. */
export function retryAfterFromHeaders(headers: Headers | undefined, now = Date.now()): number | null {
  const ms = headers?.get('retry-after-ms')
  if (ms != null && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms)
  const value = headers?.get('retry-after')
  if (value == null) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

/**
 * Repeats a creating call (a batch create, which bills) only when the provider refused it with 429: then it certainly
 * did nothing. A 5xx or a timeout may have created the batch, and a second try would make a duplicate, so those are
 * surfaced instead (as lib/server/connections/provider-errors.ts `isRetryable(_, 'create')` decides for OpenAI).
 */
export async function retryWhenRateLimited<T>(
  call: () => Promise<T>,
  rateLimited: (error: unknown) => { headers?: Headers } | null,
  options: { retries: number; baseDelayMs?: number; maxDelayMs?: number },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      const refusal = rateLimited(error)
      if (!refusal || attempt >= options.retries) throw error
      const backoff = Math.min(options.maxDelayMs ?? 8_000, (options.baseDelayMs ?? 500) * 2 ** attempt) * (0.75 + Math.random() / 4)
      await sleep(retryAfterFromHeaders(refusal.headers) ?? backoff)
    }
  }
}

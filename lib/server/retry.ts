import 'server-only'
import { setTimeout as sleep } from 'node:timers/promises'

/** Exponential backoff: `baseMs` before the second attempt, doubling, never more than `maxMs`. */
export type BackoffPolicy = { baseMs: number; maxMs: number }

/** The longest wait before attempt `attempt + 1`: base·2^(attempt-1), capped. For schedules that must be predictable. */
export const backoffCeilingMs = (attempt: number, policy: BackoffPolicy): number => Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1))

/** Backoff with jitter: 50–100% of the ceiling, so many callers failing together do not retry in lockstep. */
export function backoffMs(attempt: number, policy: BackoffPolicy, random = Math.random): number {
  return Math.round(backoffCeilingMs(attempt, policy) * (0.5 + random() / 2))
}

/** 408, 409, 429 and 5xx may succeed on a later attempt; other 4xx never will. */
export const isRetryableStatus = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500

type HeaderSource = Headers | Record<string, string | string[] | undefined>

function header(headers: HeaderSource, name: string): string | null {
  const value = headers instanceof Headers ? headers.get(name) : headers[name]
  return typeof value === 'string' && value.trim() !== '' ? value : null
}

/**
 * Retry-After as OpenAI sends it: `retry-after-ms`, else `retry-after` in seconds or as an HTTP date
 * (https://platform.openai.com/docs/guides/rate-limits, RFC 9110 §10.2.3); capped at `capMs`, null when absent.
 */
export function retryAfterMs(headers: HeaderSource, capMs = Number.POSITIVE_INFINITY, now = Date.now()): number | null {
  const ms = Number(header(headers, 'retry-after-ms') ?? Number.NaN)
  if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, capMs)
  const value = header(headers, 'retry-after')
  if (value === null) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, capMs)
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.min(Math.max(0, date - now), capMs)
}

/** Waits `ms` unless `signal` aborts first; false when it did. */
export async function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined)
    return true
  } catch {
    return false
  }
}

export type RetryOptions = {
  attempts: number
  /** How long to wait after failed attempt `attempt`, or null to give up and throw `error`. */
  delayMs: (error: unknown, attempt: number) => number | null
}

/** Calls `call` until it succeeds, `attempts` are used up, or `delayMs` declines; the last error is thrown. */
export async function withRetries<T>(call: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt)
    } catch (error) {
      const wait = attempt < options.attempts ? options.delayMs(error, attempt) : null
      if (wait === null) throw error
      await pause(wait)
    }
  }
}

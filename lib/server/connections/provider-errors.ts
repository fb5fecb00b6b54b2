import 'server-only'
import OpenAI from 'openai'
import { loadedAnthropicSdk } from '@/lib/server/providers/sdks'
import { retryAfterMs } from '@/lib/server/retry'

/** Replaces every secret (of 4+ characters) in provider text: some servers echo the key they refused. */
export function redact(text: string, secrets: (string | null | undefined)[]): string {
  let result = text
  for (const secret of secrets) if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]')
  return result
}

/** What went wrong on a provider call, in the provider's own words: the HTTP status and body.error.message. */
export function describeProviderError(error: unknown, timeoutMs: number): { status: number | null; message: string } {
  if (error instanceof OpenAI.APIConnectionTimeoutError) return { status: null, message: `No answer within ${Math.round(timeoutMs / 1000)} s.` }
  if (error instanceof OpenAI.APIConnectionError) {
    const cause = error.cause as { message?: unknown; cause?: { message?: unknown } } | undefined
    const detail = typeof cause?.cause?.message === 'string' ? cause.cause.message : typeof cause?.message === 'string' ? cause.message : error.message
    return { status: null, message: `Could not reach the server: ${detail}` }
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    // `error.error` is the provider's parsed body.error (OpenAI's envelope); fall back to the SDK's own message.
    const body = error.error as { message?: unknown } | string | undefined
    const message = typeof body === 'string' ? body : typeof body?.message === 'string' ? body.message : error.message
    return { status: error.status, message: `${error.status}: ${message}` }
  }
  return { status: null, message: error instanceof Error ? error.message : String(error) }
}

/**
 * The HTTP status of a failed provider call, from any kind's SDK: OpenAI's and Anthropic's APIError, Google's ApiError
 * and a translation refused before sending (lib/server/providers/line-errors.ts) all carry a numeric `status`.
 */
export function statusOf(error: unknown): number | undefined {
  if (!(error instanceof Error) || !('status' in error)) return undefined
  return typeof error.status === 'number' ? error.status : undefined
}

/** Stands in for an SDK's error class while that SDK is not loaded: nothing is an instance of it. */
class NeverThrown extends Error {
  declare headers: Headers | undefined
}

/** A call that never got an HTTP answer (network error or timeout), from OpenAI's or Anthropic's SDK. */
// Anthropic's SDK loads with the first Anthropic connection (lib/server/providers/sdks.ts): before that, none of its errors exist.
const isConnectionError = (error: unknown): error is Error =>
  error instanceof OpenAI.APIConnectionError || error instanceof (loadedAnthropicSdk()?.APIConnectionError ?? NeverThrown)
const isConnectionTimeout = (error: unknown) =>
  error instanceof OpenAI.APIConnectionTimeoutError || error instanceof (loadedAnthropicSdk()?.APIConnectionTimeoutError ?? NeverThrown)

/** The request never reached the provider (nothing listening, DNS): repeating it cannot do anything twice. */
function neverArrived(error: unknown): boolean {
  if (!isConnectionError(error) || isConnectionTimeout(error)) return false
  const codes: unknown[] = []
  for (let cause: unknown = error.cause; cause && typeof cause === 'object' && codes.length < 5; cause = (cause as { cause?: unknown }).cause) {
    codes.push((cause as { code?: unknown }).code)
  }
  return codes.some((code) => code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
}

export const isNotFound = (error: unknown) => statusOf(error) === 404

export const isConflict = (error: unknown) => statusOf(error) === 409

/**
 * Whether a call may be sent again. Reads and idempotent calls (retrieve, list, cancel, delete, download): on 408,
 * 409, 429, 5xx, timeouts and network errors, as the SDK would. Creating calls (upload, create batch) only when the
 * provider certainly did nothing: a 429, or a connection that was never made. A 500 or a timeout on a create may
 * have created something, and a second try would make a duplicate.
 */
export function isRetryable(error: unknown, call: 'read' | 'create'): boolean {
  const status = statusOf(error)
  if (status === 429 || neverArrived(error)) return true
  if (call === 'create') return false
  if (status !== undefined) return status === 408 || status === 409 || status >= 500
  // Google's SDK lets fetch's own TypeError through when the connection fails.
  return isConnectionError(error) || (error instanceof TypeError && error.message === 'fetch failed')
}

/** The provider's Retry-After on a failed SDK call, in ms (parsed by the one parser in lib/server/retry); null when absent. */
export const providerRetryAfterMs = (error: unknown, now = Date.now()): number | null =>
  (error instanceof OpenAI.APIError || error instanceof (loadedAnthropicSdk()?.APIError ?? NeverThrown)) && error.headers
    ? retryAfterMs(error.headers, undefined, now)
    : null

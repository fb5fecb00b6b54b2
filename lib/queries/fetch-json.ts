import { isErrorBody, type ErrorDetail } from '@/lib/errors'
import { leaveIfSessionEnded } from './session-expired'

/** An error from one of our GET routes, carrying the one error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: ErrorDetail,
  ) {
    super(detail.message)
    this.name = 'ApiError'
  }
}

export async function fetchJson<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, { ...init, headers: { accept: 'application/json', ...init?.headers } })
  const body: unknown = await response.json().catch(() => null)
  if (!response.ok) {
    const detail = isErrorBody(body) ? body.error : { code: 'http_error', message: `The server answered ${response.status}. Try again.` }
    leaveIfSessionEnded(detail)
    throw new ApiError(response.status, detail)
  }
  return body as T
}

export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value))
  const query = search.toString()
  return query ? `${path}?${query}` : path
}

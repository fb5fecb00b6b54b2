// The one error shape (README, Security): every route handler, server action and the /v1 API answer with it.
export type ErrorDetail = {
  code: string
  message: string
  param?: string
  line?: number
}

export type ErrorBody = { error: ErrorDetail }

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false
  const { error } = value as { error: unknown }
  return typeof error === 'object' && error !== null && 'message' in error && 'code' in error
}

/** What every server action returns: actions never throw to the browser. */
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ErrorDetail }

/** A server action's or route's refusal in the browser, carrying the one error shape (thrown for React Query mutations). */
export class ActionError extends Error {
  constructor(readonly detail: ErrorDetail) {
    super(detail.message)
    this.name = 'ActionError'
  }
}

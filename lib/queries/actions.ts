import type { ActionResult, ErrorDetail } from '@/lib/errors'
import { leaveIfSessionEnded } from './session-expired'

/** A server action's refusal, carrying the one error shape. */
export class ActionError extends Error {
  constructor(readonly detail: ErrorDetail) {
    super(detail.message)
    this.name = 'ActionError'
  }
}

/** The action's data, or its refusal thrown as an ActionError (for React Query mutations). */
export function unwrap<T>(result: ActionResult<T>): T {
  if (!result.ok) {
    leaveIfSessionEnded(result.error)
    throw new ActionError(result.error)
  }
  return result.data
}

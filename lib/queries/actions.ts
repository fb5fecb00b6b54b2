import { ActionError, type ActionResult } from '@/lib/errors'
import { leaveIfSessionEnded } from './session-expired'

/** The action's data, or its refusal thrown as an ActionError (for React Query mutations). */
export function unwrap<T>(result: ActionResult<T>): T {
  if (!result.ok) {
    leaveIfSessionEnded(result.error)
    throw new ActionError(result.error)
  }
  return result.data
}

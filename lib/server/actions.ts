import 'server-only'
import type { z } from 'zod'
import type { ActionResult } from '@/lib/errors'
import { authorizeAction } from '@/lib/server/auth'
import { parseInput, toErrorDetail } from '@/lib/server/http/errors'

export type { ActionResult }

/**
 * Every server action: parse the input with zod → authorise → call a service → return a result.
 * Actions never throw to the browser; failures come back in the one error shape.
 */
export function defineAction<S extends z.ZodType, T>(schema: S, handler: (input: z.infer<S>) => Promise<T>) {
  return async (input: z.input<S>): Promise<ActionResult<T>> => {
    try {
      const parsed = parseInput(schema, input, 'input')
      await authorizeAction()
      return { ok: true, data: await handler(parsed) }
    } catch (error) {
      return { ok: false, error: toErrorDetail(error).detail }
    }
  }
}

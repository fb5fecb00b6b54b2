import 'server-only'
import type { z } from 'zod'
import type { ActionResult } from '@/lib/errors'
import { authorizeAction } from '@/lib/server/auth'
import { parseInput, toErrorDetail } from '@/lib/server/http/errors'

export type { ActionResult }

/**
 * Every server action: authorise → parse the input with zod → call a service → return a result.
 * Actions never throw to the browser; failures come back in the one error shape.
 */
export function defineAction<S extends z.ZodType, T>(schema: S, handler: (input: z.infer<S>) => Promise<T>) {
  return actionWrapper(schema, handler, authorizeAction)
}

/** An action anyone may call: only logging in, the first-run setup and logging out (lib/actions/auth.ts). */
export function definePublicAction<S extends z.ZodType, T>(schema: S, handler: (input: z.infer<S>) => Promise<T>) {
  return actionWrapper(schema, handler, async () => {})
}

function actionWrapper<S extends z.ZodType, T>(schema: S, handler: (input: z.infer<S>) => Promise<T>, authorize: () => Promise<void>) {
  return async (input: z.input<S>): Promise<ActionResult<T>> => {
    try {
      // Authorise first: a caller without a session learns nothing, not even which inputs are valid.
      await authorize()
      const parsed = parseInput(schema, input, 'input')
      return { ok: true, data: await handler(parsed) }
    } catch (error) {
      return { ok: false, error: toErrorDetail(error).detail }
    }
  }
}

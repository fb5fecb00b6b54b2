import 'server-only'
import type { NextRequest } from 'next/server'
import { z } from 'zod'
import { authorizeRequest } from '@/lib/server/auth'
import { parseInput, toErrorResponse } from './errors'

const emptySchema = z.object({})
type EmptySchema = typeof emptySchema

type RouteSpec<P extends z.ZodType, Q extends z.ZodType> = { params?: P; query?: Q }

type RouteInput<P extends z.ZodType, Q extends z.ZodType> = {
  request: NextRequest
  params: z.infer<P>
  query: z.infer<Q>
}

/**
 * Every GET route handler has the same steps: parse → authorise → call a service → respond.
 * The handler returns plain data (sent as JSON) or a Response (downloads, streams).
 */
export function defineRoute<P extends z.ZodType = EmptySchema, Q extends z.ZodType = EmptySchema>(
  spec: RouteSpec<P, Q>,
  handler: (input: RouteInput<P, Q>) => Promise<unknown>,
) {
  return async (request: NextRequest, context: { params?: Promise<Record<string, string | string[]>> }) => {
    try {
      const params = parseInput((spec.params ?? emptySchema) as P, (await context.params) ?? {}, 'path')
      const query = parseInput((spec.query ?? emptySchema) as Q, Object.fromEntries(request.nextUrl.searchParams), 'query')
      await authorizeRequest(request)
      const result = await handler({ request, params, query })
      return result instanceof Response ? result : Response.json(result)
    } catch (error) {
      return toErrorResponse(error)
    }
  }
}

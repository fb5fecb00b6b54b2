import 'server-only'
import type { NextRequest } from 'next/server'
import { z } from 'zod'
import { authorizeRequest } from '@/lib/server/auth'
import { parseInput, toErrorResponse } from './errors'
import { jsonResponse } from './json'
import { observeRequest, routePattern } from './observe'

const emptySchema = z.object({})
type EmptySchema = typeof emptySchema

type RouteSpec<P extends z.ZodType, Q extends z.ZodType> = {
  params?: P
  query?: Q
  /** Answer without a session: only /api/health and webhooks (which check their own signatures). */
  public?: boolean
}

type RouteInput<P extends z.ZodType, Q extends z.ZodType> = {
  request: NextRequest
  params: z.infer<P>
  query: z.infer<Q>
}

/**
 * Every route handler (the GET reads, the upload PUTs, the webhook POST) has the same steps: authorise → parse →
 * call a service → respond.
 * The handler returns plain data (sent as JSON) or a Response (downloads, streams).
 */
export function defineRoute<P extends z.ZodType = EmptySchema, Q extends z.ZodType = EmptySchema>(
  spec: RouteSpec<P, Q>,
  handler: (input: RouteInput<P, Q>) => Promise<unknown>,
) {
  return async (request: NextRequest, context: { params?: Promise<Record<string, string | string[]>> }) => {
    const startedAt = performance.now()
    const rawParams = (await context.params) ?? {}
    let response: Response
    try {
      // Authorise first: a caller without a session learns nothing, not even which ids are well formed.
      if (!spec.public) await authorizeRequest(request)
      const params = parseInput((spec.params ?? emptySchema) as P, rawParams, 'path')
      const query = parseInput((spec.query ?? emptySchema) as Q, Object.fromEntries(request.nextUrl.searchParams), 'query')
      const result = await handler({ request, params, query })
      response = result instanceof Response ? result : jsonResponse(result)
    } catch (error) {
      response = toErrorResponse(error)
    }
    observeRequest({ method: request.method, route: routePattern(request.nextUrl.pathname, rawParams), status: response.status, startedAt })
    return response
  }
}

import 'server-only'
import type { NextRequest } from 'next/server'
import { z } from 'zod'
import { authenticateV1 } from './auth'
import { V1Error, toOpenAIError } from './errors'
import { jsonResponse } from '@/lib/server/http/json'
import { observeRequest, routePattern } from '@/lib/server/http/observe'
import { newRequestId } from '@/lib/server/ids'

type V1RouteSpec<P extends z.ZodType, Q extends z.ZodType> = { params?: P; query?: Q }
type V1RouteInput<P extends z.ZodType, Q extends z.ZodType> = { request: NextRequest; params: z.infer<P>; query: z.infer<Q> }

const emptySchema = z.object({})

/** OpenAI names the bad query or path parameter and says what it must be. */
function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const [issue] = parsed.error.issues
  const param = issue?.path.join('.') || null
  throw new V1Error(400, `Invalid value for '${param ?? 'request'}': ${issue?.message ?? 'bad value'}`, { param, code: 'invalid_value' })
}

/**
 * Every /v1 handler: authenticate → parse → call a service → respond, in OpenAI's shapes. Authentication comes
 * first, as with OpenAI: a caller without a key learns nothing about which ids exist.
 */
export function defineV1Route<P extends z.ZodType = typeof emptySchema, Q extends z.ZodType = typeof emptySchema>(
  spec: V1RouteSpec<P, Q>,
  handler: (input: V1RouteInput<P, Q>) => Promise<unknown>,
) {
  return async (request: NextRequest, context: { params?: Promise<Record<string, string | string[]>> }) => {
    const requestId = newRequestId()
    const startedAt = performance.now()
    const rawParams = (await context.params) ?? {}
    let response: Response
    try {
      await authenticateV1(request)
      const params = parseOrThrow((spec.params ?? emptySchema) as P, rawParams)
      const query = parseOrThrow((spec.query ?? emptySchema) as Q, Object.fromEntries(request.nextUrl.searchParams))
      const result = await handler({ request, params, query })
      response = result instanceof Response ? result : jsonResponse(result)
    } catch (error) {
      const { status, body } = toOpenAIError(error)
      response = jsonResponse(body, { status })
    }
    response.headers.set('x-request-id', requestId)
    observeRequest({ method: request.method, route: routePattern(request.nextUrl.pathname, rawParams), status: response.status, startedAt, requestId })
    return response
  }
}

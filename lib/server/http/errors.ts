import 'server-only'
import { logger } from '@/lib/server/log'
import { type z } from 'zod'
import type { ErrorBody, ErrorDetail } from '@/lib/errors'
import { isNulInTextError } from '@/lib/server/db/errors'
import { jsonResponse } from './json'

/** An error the user can act on: it carries the HTTP status and the message they will read. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { param?: string; line?: number } = {},
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const notFound = (what: string, id: string) =>
  new AppError(404, 'not_found', `No ${what} with id '${id}'. It may have been deleted; reload the list.`, { param: 'id' })

/** PostgreSQL cannot store NUL in text (SQLite can, and then finds nothing): such input is bad input, not a server error. */
export const nulInText = () => new AppError(400, 'invalid_request', 'Ids and names cannot contain the NUL character (\\0). Remove it and try again.')

function fromZod(error: z.ZodError, source: string): AppError {
  const [issue] = error.issues
  const param = issue?.path.length ? issue.path.join('.') : undefined
  const where = param ? `'${param}' in the ${source}` : `${source}`
  return new AppError(400, 'invalid_request', `Invalid ${where}: ${issue?.message ?? 'bad value'}`, { param })
}

/** Parses untrusted input, turning a zod failure into a 400 that names the bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, source = 'request'): z.infer<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw fromZod(parsed.error, source)
  return parsed.data
}

export function toErrorDetail(error: unknown): { status: number; detail: ErrorDetail } {
  if (error instanceof AppError) {
    return { status: error.status, detail: { code: error.code, message: error.message, ...error.details } }
  }
  if (isNulInTextError(error)) return toErrorDetail(nulInText())
  // Unexpected failures keep their details in the server log only: they may hold paths or provider text.
  logger.error({ err: error }, 'Unexpected error; answered 500.')
  return {
    status: 500,
    detail: { code: 'internal_error', message: 'Something went wrong on the server. The details are in the server log; try again.' },
  }
}

export function toErrorResponse(error: unknown): Response {
  const { status, detail } = toErrorDetail(error)
  return jsonResponse({ error: detail } satisfies ErrorBody, { status })
}

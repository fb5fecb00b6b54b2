import 'server-only'
import { logger } from '@/lib/server/log'
import { isNulInTextError } from '@/lib/server/db/errors'
import { AppError, nulInText } from '@/lib/server/http/errors'

/** OpenAI's error envelope: all four keys always present. */
export type OpenAIErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } }

/** An error answered exactly as OpenAI would: its own message, type, param and code. */
export class V1Error extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: { type?: string; param?: string | null; code?: string | null } = {},
  ) {
    super(message)
    this.name = 'V1Error'
  }
}

const typeFor = (status: number) => (status >= 500 ? 'server_error' : 'invalid_request_error')

export function toOpenAIError(error: unknown): { status: number; body: OpenAIErrorBody } {
  if (error instanceof V1Error) {
    const { type = typeFor(error.status), param = null, code = null } = error.details
    return { status: error.status, body: { error: { message: error.message, type, param, code } } }
  }
  if (error instanceof AppError) {
    // Service errors use our own codes (e.g. not_found); OpenAI sends null codes for most client errors.
    const code = error.code === 'not_found' || error.code === 'conflict' ? null : error.code
    return { status: error.status, body: { error: { message: error.message, type: typeFor(error.status), param: error.details.param ?? null, code } } }
  }
  if (isNulInTextError(error)) return toOpenAIError(nulInText())
  logger.error({ err: error }, 'Unexpected error on /v1; answered 500.')
  return {
    status: 500,
    body: {
      error: {
        message: 'The server had an error while processing your request. The details are in the server log.',
        type: 'server_error',
        param: null,
        code: null,
      },
    },
  }
}

export const noSuchFile = (id: string) => new V1Error(404, `No such File object: ${id}`, { param: 'id' })
export const noSuchBatch = (id: string) => new V1Error(404, `No batch found with id '${id}'.`, { param: 'batch_id' })

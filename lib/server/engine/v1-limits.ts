import 'server-only'
import { BUILTIN_CONNECTION_ID } from '@/lib/constants'
import { enqueuedTokenLimitOf } from '@/lib/connections/limits'
import { db } from '@/lib/server/db'
import { env } from '@/lib/server/env'

type BatchFileError = { code: string; message: string; param: string | null; line: number | null }

// The organization OpenAI's message names; the engine has none, so it names itself.
const ORGANIZATION = 'org-batchboard'

const count = (value: number) => value.toLocaleString('en-US')

/**
 * OpenAI's per-batch limits, when BATCHBOARD_V1_LIMITS asks the engine to impose them: a batch over one fails at
 * validation as OpenAI's does (`failed`, `line: null`). The enqueued tokens are the estimated input tokens of the
 * model's batches that are validating (created earlier), in progress or finalizing. OpenAI's exact codes for too many
 * requests and too large a file are not documented; these say what they mean.
 */
export async function checkV1Limits(batch: {
  id: string
  createdAt: Date
  model: string | null
  requestCount: number
  bytes: number
  estimatedInputTokens: number
}): Promise<BatchFileError | null> {
  const limits = env.v1Limits
  if (!limits) return null
  if (limits.maxRequestsPerFile !== undefined && batch.requestCount > limits.maxRequestsPerFile) {
    return {
      code: 'too_many_requests',
      message: `The batch input file has ${count(batch.requestCount)} requests, more than the maximum of ${count(limits.maxRequestsPerFile)} per batch. Split it into smaller files.`,
      param: null,
      line: null,
    }
  }
  if (limits.maxFileBytes !== undefined && batch.bytes > limits.maxFileBytes) {
    return {
      code: 'file_too_large',
      message: `The batch input file is ${count(batch.bytes)} bytes, larger than the maximum of ${count(limits.maxFileBytes)} bytes per batch. Split it into smaller files.`,
      param: null,
      line: null,
    }
  }
  const limit = enqueuedTokenLimitOf(limits.enqueuedTokens ?? null, batch.model)
  if (limit === null) return null
  const enqueued = await db.file.aggregate({
    where: {
      model: batch.model,
      inputOf: {
        some: {
          id: { not: batch.id },
          connectionId: BUILTIN_CONNECTION_ID,
          OR: [{ status: { in: ['in_progress', 'finalizing'] } }, { status: 'validating', createdAt: { lt: batch.createdAt } }],
        },
      },
    },
    _sum: { estimatedInputTokens: true },
  })
  if (Number(enqueued._sum.estimatedInputTokens ?? 0) + batch.estimatedInputTokens <= limit) return null
  return {
    code: 'token_limit_exceeded',
    message: `Enqueued token limit reached for ${batch.model} in organization ${ORGANIZATION}. Limit: ${count(limit)} enqueued tokens. Please try again once some in_progress batches have been completed.`,
    param: null,
    line: null,
  }
}

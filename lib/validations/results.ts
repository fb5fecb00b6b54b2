import { z } from 'zod'
import { isResultStatus, RESULT_STATUSES, type ResultStatus } from '@/lib/results/extract'
import { batchIdInput } from './batches'
import { commaList } from './lists'

/** `status=failed,expired`: one or several result statuses. */
const resultStatusList = commaList({ max: 100, noun: 'a result status', values: RESULT_STATUSES, isValue: isResultStatus })

export const RESULT_SORTS = ['line', 'status', 'tokens'] as const
export type ResultSort = (typeof RESULT_SORTS)[number]

const resultFilterFields = {
  status: resultStatusList.optional(),
  errorCode: z.string().min(1).max(200).optional(),
  /** An exact custom_id, or words found in the prompt or the response (full-text search). */
  q: z.string().trim().max(200).optional(),
}

export const resultPageQuery = z.object({
  ...resultFilterFields,
  sort: z.enum(RESULT_SORTS).default('line'),
  order: z.enum(['asc', 'desc']).default('asc'),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})
export type ResultPageQuery = z.infer<typeof resultPageQuery>
export type ResultFilters = Pick<ResultPageQuery, 'status' | 'errorCode' | 'q'>

export const resultRowQuery = z.object({ customId: z.string().min(1).max(1000) })

export const RESULT_IMAGE_SIDES = ['input', 'output'] as const
export type ResultImageSide = (typeof RESULT_IMAGE_SIDES)[number]

/** `side=output`: an image the response holds (images endpoints) rather than one the request sends. */
export const resultImageQuery = resultRowQuery.extend({
  n: z.coerce.number().int().min(0).max(50).default(0),
  side: z.enum(RESULT_IMAGE_SIDES).default('input'),
})

/** Body fields (or `prompt`, the last user message) a CSV export may carry as columns. */
const fieldList = z
  .string()
  .max(500)
  .transform((value) => [
    ...new Set(
      value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    ),
  ])
  .refine((fields) => fields.every((field) => /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/.test(field)), 'list body fields such as prompt,model,temperature')

export const resultExportQuery = z.object({
  ...resultFilterFields,
  format: z.enum(['csv', 'jsonl']).default('csv'),
  fields: fieldList.default(['prompt', 'model']),
})
export type ResultExportQuery = z.infer<typeof resultExportQuery>

export const RETRYABLE_STATUSES = ['failed', 'expired', 'cancelled', 'missing'] as const satisfies readonly ResultStatus[]

export const retryLinesInput = batchIdInput.extend({
  /** Another connection to run the retry on; the batch's own when left out. */
  connectionId: z.string().min(1).max(200).optional(),
})
export type RetryLinesInput = z.infer<typeof retryLinesInput>

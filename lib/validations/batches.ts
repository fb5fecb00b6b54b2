import { z } from 'zod'
import { BATCH_STATUSES, isBatchStatus } from '@/lib/batch/status'
import { commaList } from './lists'

/** `status=completed,failed`: one or several statuses. */
const statusList = commaList({ max: 200, noun: 'a status', values: BATCH_STATUSES, isValue: isBatchStatus })

/** `only`: the batches that are parts of a job; `hide`: the others (batches started on their own). */
export const BATCH_JOB_FILTERS = ['only', 'hide'] as const
export type BatchJobFilter = (typeof BATCH_JOB_FILTERS)[number]

export const BATCH_SORTS = ['created', 'status', 'requests'] as const
export type BatchSort = (typeof BATCH_SORTS)[number]

export const batchListQuery = z.object({
  status: statusList.optional(),
  connectionId: z.string().min(1).max(200).optional(),
  endpoint: z.string().min(1).max(200).optional(),
  model: z.string().min(1).max(200).optional(),
  jobs: z.enum(BATCH_JOB_FILTERS).optional(),
  /** Batch id or remote id (prefix), description, metadata values or input file name (contains). */
  q: z.string().trim().max(200).optional(),
  sort: z.enum(BATCH_SORTS).default('created'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque: the `nextCursor` of the previous page, for the same filters and sort. */
  cursor: z.string().min(1).max(500).optional(),
})

export type BatchListQuery = z.infer<typeof batchListQuery>

/** The list's filters and search, for the filter menus' counts. */
export const batchFacetsQuery = batchListQuery.pick({ status: true, connectionId: true, endpoint: true, model: true, jobs: true, q: true })

export type BatchFacetsQuery = z.infer<typeof batchFacetsQuery>

export const batchIdInput = z.object({ batchId: z.string().regex(/^batch_[0-9A-Za-z_-]{1,128}$/, 'not a batch id') })

/** `remote`: also delete the batch's files on its provider (asked for with a second confirmation). */
export const deleteBatchInput = batchIdInput.extend({ remote: z.boolean().default(false) })

// OpenAI's metadata limits (https://platform.openai.com/docs/api-reference/batch/create, `metadata`): 16 pairs, keys up to 64 characters, values up to 512.
export const METADATA_MAX_PAIRS = 16
export const METADATA_MAX_KEY = 64
export const METADATA_MAX_VALUE = 512
export const DESCRIPTION_MAX = METADATA_MAX_VALUE
// OpenAI's `output_expires_after.seconds` (batches) and `expires_after.seconds` (files): an hour to 30 days
// (https://platform.openai.com/docs/api-reference/batch/create).
export const EXPIRES_AFTER_MIN_SECONDS = 3600
export const EXPIRES_AFTER_MAX_SECONDS = 30 * 86_400
/** How long batch input, output and error files are kept when no expires_after is given: OpenAI's 30 days. */
export const BATCH_FILE_RETENTION_SECONDS = 30 * 86_400
/** The description travels as `metadata.description`, OpenAI's own convention, so it round-trips to every provider. */
export const DESCRIPTION_KEY = 'description'

export type MetadataPair = { key: string; value: string }

/**
 * The metadata editor's rows. Each problem is reported on its row and field (path [index, 'key' | 'value']),
 * so the form can mark the exact input as the user types, and the server refuses the same things.
 */
export const metadataPairs = z
  .array(
    z.object({
      key: z
        .string()
        .min(1, 'give the key a name')
        .max(METADATA_MAX_KEY, `a key may have at most ${METADATA_MAX_KEY} characters`)
        .refine((key) => key !== DESCRIPTION_KEY, 'use the Description field for the description'),
      value: z.string().max(METADATA_MAX_VALUE, `a value may have at most ${METADATA_MAX_VALUE} characters`),
    }),
  )
  .superRefine((pairs, context) => {
    const seen = new Set<string>()
    pairs.forEach((pair, index) => {
      if (pair.key !== '' && seen.has(pair.key)) context.addIssue({ code: 'custom', path: [index, 'key'], message: `the key '${pair.key}' is already used` })
      seen.add(pair.key)
    })
  })

export const COMPLETION_WINDOW = /^([1-9]\d{0,6})(s|m|h|d)$/

/** What starting work on a stored file takes, as a batch or as a job. */
export const startWorkFields = {
  fileId: z.string().regex(/^file-[0-9A-Za-z]{1,64}$/, 'choose a batch file'),
  connectionId: z.string().min(1, 'choose a connection').max(200),
  completionWindow: z.string().regex(COMPLETION_WINDOW, 'use a window such as 24h'),
  description: z.string().trim().max(DESCRIPTION_MAX, `a description may have at most ${DESCRIPTION_MAX} characters`).default(''),
  metadata: metadataPairs.default([]),
}

export const createBatchInput = z
  .object({
    ...startWorkFields,
    /** OpenAI's output_expires_after.seconds: how long the provider keeps the output and error files (1 h to 30 days). */
    outputExpiresAfterSeconds: z
      .number()
      .int()
      .min(EXPIRES_AFTER_MIN_SECONDS, 'keep the results at least an hour')
      .max(EXPIRES_AFTER_MAX_SECONDS, 'keep the results at most 30 days')
      .optional(),
  })
  .superRefine((input, context) => {
    const used = input.metadata.length + (input.description === '' ? 0 : 1)
    if (used > METADATA_MAX_PAIRS) {
      context.addIssue({
        code: 'custom',
        path: ['metadata'],
        message: `at most ${METADATA_MAX_PAIRS} metadata pairs${input.description === '' ? '' : ', the description included'}`,
      })
    }
  })

export type CreateBatchInput = z.input<typeof createBatchInput>
export type CreateBatchFields = z.output<typeof createBatchInput>

/** The metadata a batch is created with: the user's pairs, and the description as `metadata.description`. */
export function toBatchMetadata(description: string, pairs: MetadataPair[]): Record<string, string> | null {
  const metadata: Record<string, string> = {}
  if (description !== '') metadata[DESCRIPTION_KEY] = description
  for (const { key, value } of pairs) metadata[key] = value
  return Object.keys(metadata).length === 0 ? null : metadata
}

/** Field errors of the metadata editor, keyed "index.key" / "index.value", plus "metadata" for the whole list. */
export function metadataErrors(description: string, pairs: MetadataPair[]): Record<string, string> {
  const errors: Record<string, string> = {}
  const parsed = metadataPairs.safeParse(pairs)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.join('.')
      errors[path === '' ? 'metadata' : path] ??= issue.message
    }
  }
  const used = pairs.length + (description.trim() === '' ? 0 : 1)
  if (used > METADATA_MAX_PAIRS) errors.metadata ??= `At most ${METADATA_MAX_PAIRS} pairs${description.trim() === '' ? '' : ', the description included'}.`
  return errors
}

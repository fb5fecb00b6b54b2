import { z } from 'zod'
import { METADATA_MAX_PAIRS, startWorkFields } from './batches'

export const JOB_STATUSES = ['splitting', 'running', 'paused', 'cancelling', 'cancelled', 'completed', 'failed'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]
export const isJobStatus = (value: string): value is JobStatus => (JOB_STATUSES as readonly string[]).includes(value)

/** Metadata keys every part's batch carries: which job, and which part (how a create with a lost answer is found). */
export const JOB_METADATA_KEY = 'batchboard_job'
export const PART_METADATA_KEY = 'batchboard_part'
const JOB_METADATA_PAIRS = METADATA_MAX_PAIRS - 2

export const MAX_ATTEMPTS_LIMIT = 10

export const jobIdInput = z.object({ jobId: z.string().regex(/^job_[0-9A-Za-z]{1,64}$/, 'not a job id') })

export const createJobInput = z
  .object({
    ...startWorkFields,
    /** Times a line is sent before a retryable failure is final. */
    maxAttempts: z.number().int().min(1, 'send each line at least once').max(MAX_ATTEMPTS_LIMIT, `at most ${MAX_ATTEMPTS_LIMIT} attempts per line`).default(3),
  })
  .superRefine((input, context) => {
    const used = input.metadata.length + (input.description === '' ? 0 : 1)
    if (used > JOB_METADATA_PAIRS) {
      context.addIssue({
        code: 'custom',
        path: ['metadata'],
        message: `at most ${JOB_METADATA_PAIRS} metadata pairs on a job${input.description === '' ? '' : ', the description included'} (its batches carry two more: the job and part ids)`,
      })
    }
  })

export type CreateJobInput = z.input<typeof createJobInput>
export type CreateJobFields = z.output<typeof createJobInput>

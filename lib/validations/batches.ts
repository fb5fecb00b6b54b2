import { z } from 'zod'
import { BATCH_STATUSES } from '@/lib/batch/status'

export const batchListQuery = z.object({
  status: z.enum(BATCH_STATUSES).optional(),
  connectionId: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional(),
})

export type BatchListQuery = z.infer<typeof batchListQuery>

import { z } from 'zod'

export const fileListQuery = z.object({
  purpose: z.enum(['batch', 'batch_output']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional(),
})

export type FileListQuery = z.infer<typeof fileListQuery>

import { z } from 'zod'

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, 'give the key a name, e.g. the script that will use it').max(100, 'use at most 100 characters'),
})
export type CreateApiKeyInput = z.infer<typeof createApiKeyInput>

export const apiKeyIdInput = z.object({ id: z.string().min(1).max(100) })

'use server'

import { createApiKey as createStoredApiKey, revokeApiKey as revokeStoredApiKey } from '@/lib/server/api-keys'
import { defineAction } from '@/lib/server/actions'
import { apiKeyIdInput, createApiKeyInput } from '@/lib/validations/api-keys'

/** The only answer that carries the key's plaintext; the browser shows it once. */
export const createApiKey = defineAction(createApiKeyInput, (input) => createStoredApiKey(input))

export const revokeApiKey = defineAction(apiKeyIdInput, ({ id }) => revokeStoredApiKey(id))

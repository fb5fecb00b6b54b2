'use server'

import { createApiKey as createStoredApiKey, revokeApiKey as revokeStoredApiKey } from '@/lib/server/api-keys'
import { defineAction } from '@/lib/server/actions'
import { deletePrice as deleteStoredPrice, resetPrices as resetStoredPrices, savePrice as saveStoredPrice } from '@/lib/server/pricing'
import { apiKeyIdInput, createApiKeyInput } from '@/lib/validations/api-keys'
import { priceModelInput, savePriceInput } from '@/lib/validations/prices'

/** The only answer that carries the key's plaintext; the browser shows it once. */
export const createApiKey = defineAction(createApiKeyInput, (input) => createStoredApiKey(input))

export const revokeApiKey = defineAction(apiKeyIdInput, ({ id }) => revokeStoredApiKey(id))

export const savePrice = defineAction(savePriceInput, (input) => saveStoredPrice(input))

export const deletePrice = defineAction(priceModelInput, ({ model }) => deleteStoredPrice(model))

/** One model back to its shipped price (model given), or the whole table. */
export const resetPrices = defineAction(priceModelInput.partial(), ({ model }) => resetStoredPrices(model))

'use server'

import { defineAction } from '@/lib/server/actions'
import { deletePrice as deleteStoredPrice, resetPrices as resetStoredPrices, savePrice as saveStoredPrice } from '@/lib/server/pricing'
import { priceModelInput, savePriceInput } from '@/lib/validations/prices'

export const savePrice = defineAction(savePriceInput, (input) => saveStoredPrice(input))

export const deletePrice = defineAction(priceModelInput, ({ model }) => deleteStoredPrice(model))

/** One model back to its shipped price (model given), or the whole table. */
export const resetPrices = defineAction(priceModelInput.partial(), ({ model }) => resetStoredPrices(model))

import { z } from 'zod'

const rate = z
  .number({ error: 'enter a price in USD per 1M tokens' })
  .finite('enter a number')
  .min(0, 'a price cannot be negative')
  .max(10_000, 'at most 10,000 USD per 1M tokens')

/** Blank price fields mean "unless stated": cached = input, no output, batch = half. */
export const savePriceInput = z.object({
  model: z
    .string()
    .trim()
    .min(1, 'enter a model name, or a pattern such as llama*')
    .max(200, 'use at most 200 characters')
    .regex(/^\S+$/, 'a model name has no spaces'),
  /** true when adding: refuses a model that already has a price, so an add never overwrites. */
  isNew: z.boolean().default(false),
  input: rate,
  cachedInput: rate.nullable(),
  output: rate.nullable(),
  batchInput: rate.nullable(),
  batchCachedInput: rate.nullable(),
  batchOutput: rate.nullable(),
})
export type SavePriceInput = z.input<typeof savePriceInput>

export const priceModelInput = z.object({ model: z.string().min(1).max(200) })

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use a date as YYYY-MM-DD')

/** Days are UTC calendar days, both ends included. */
export const usageQuery = z
  .object({ from: day.optional(), to: day.optional() })
  .refine((range) => !range.from || !range.to || range.from <= range.to, { message: "'from' must be on or before 'to'", path: ['from'] })
export type UsageQuery = z.infer<typeof usageQuery>

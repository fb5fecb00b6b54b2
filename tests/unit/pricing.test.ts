import { describe, expect, it } from 'vitest'
import { formatCost } from '@/lib/format'
import { SHIPPED_PRICES, batchCost, costOfUsage, estimateCost, findPrice, ratesFor, type PriceRow, type TokenUsage } from '@/lib/pricing'

const usage = (input: number, cached: number, output: number, reasoning = 0): TokenUsage => ({
  inputTokens: input,
  cachedTokens: cached,
  outputTokens: output,
  reasoningTokens: reasoning,
  totalTokens: input + output,
})

const row = (model: string, input: number, cachedInput: number | null, output: number | null, batch: Partial<PriceRow> = {}): PriceRow => ({
  model,
  input,
  cachedInput,
  output,
  batchInput: null,
  batchCachedInput: null,
  batchOutput: null,
  ...batch,
})

describe('findPrice', () => {
  it('finds a dated snapshot under its model, but not a different model that shares a prefix', () => {
    expect(findPrice('gpt-4o-mini-2024-07-18', SHIPPED_PRICES)?.row.model).toBe('gpt-4o-mini')
    expect(findPrice('gpt-4o-mini-2024-07-18', SHIPPED_PRICES)?.by).toBe('snapshot')
    expect(findPrice('gpt-4-0613', SHIPPED_PRICES)?.row.model).toBe('gpt-4')
    expect(findPrice('gpt-4o-audio-preview', SHIPPED_PRICES)).toBeNull()
  })

  it('prefers a snapshot row of its own to its model', () => {
    const found = findPrice('gpt-4o-2024-05-13', SHIPPED_PRICES)
    expect(found).toMatchObject({ by: 'exact', row: { model: 'gpt-4o-2024-05-13', input: 5 } })
  })

  it('matches patterns, the longest first, and an exact name before any pattern', () => {
    const prices = [row('llama*', 0, null, 0), row('llama3.1*', 0.2, null, 0.2), row('llama3.1:70b', 0.9, null, 0.9)]
    expect(findPrice('llama2', prices)?.row.model).toBe('llama*')
    expect(findPrice('llama3.1:8b', prices)?.row.model).toBe('llama3.1*')
    expect(findPrice('llama3.1:70b', prices)?.row.model).toBe('llama3.1:70b')
    expect(findPrice('qwen2.5', prices)).toBeNull()
  })
})

describe('costOfUsage and ratesFor', () => {
  const mini = findPrice('gpt-4o-mini', SHIPPED_PRICES)!.row

  it('bills cached tokens at the cached rate and the batch price at half', () => {
    // 800k input at $0.075, 200k cached at $0.0375, 500k output at $0.30 (batch: half of 0.15 / 0.075 / 0.60)
    expect(costOfUsage(usage(1_000_000, 200_000, 500_000), ratesFor(mini, 'batch'))).toBeCloseTo(0.2175, 10)
    expect(costOfUsage(usage(1_000_000, 200_000, 500_000), ratesFor(mini, 'standard'))).toBeCloseTo(0.435, 10)
  })

  it('counts reasoning tokens within output, not on top of it', () => {
    const o3 = findPrice('o3', SHIPPED_PRICES)!.row
    const withReasoning = costOfUsage(usage(0, 0, 1_000_000, 800_000), ratesFor(o3, 'standard'))
    expect(withReasoning).toBeCloseTo(8, 10)
  })

  it('bills cached tokens as input when a model has no cached price', () => {
    const rates = ratesFor(row('m', 2, null, 4), 'standard')
    expect(costOfUsage(usage(1_000_000, 500_000, 0), rates)).toBeCloseTo(2, 10)
  })

  it('uses a stated batch price instead of half', () => {
    const rates = ratesFor(row('m', 2, 1, 8, { batchInput: 1.5, batchOutput: 7 }), 'batch')
    expect(rates).toEqual({ input: 1.5, cachedInput: 0.5, output: 7 })
  })

  it('bills Anthropic cache writes at their own rate, halved in a batch, and cache reads at the hit rate', () => {
    const sonnet = findPrice('claude-sonnet-4-6', SHIPPED_PRICES)!.row
    expect(ratesFor(sonnet, 'standard')).toEqual({ input: 3, cachedInput: 0.3, output: 15, cacheWrite: 3.75 })
    expect(ratesFor(sonnet, 'batch')).toEqual({ input: 1.5, cachedInput: 0.15, output: 7.5, cacheWrite: 1.875 })
    // 1M prompt tokens: 500k read from the cache, 200k written to it, 300k plain; 100k output. Batch prices.
    const withCache = { ...usage(1_000_000, 500_000, 100_000), cacheWriteTokens: 200_000 }
    expect(costOfUsage(withCache, ratesFor(sonnet, 'batch'))).toBeCloseTo(0.3 * 1.5 + 0.5 * 0.15 + 0.2 * 1.875 + 0.1 * 7.5, 10)
    // Without a cache-write rate (OpenAI, Gemini) writes cost the input rate.
    expect(costOfUsage(withCache, ratesFor(row('m', 2, 1, 0), 'standard'))).toBeCloseTo(0.5 * 2 + 0.5 * 1, 10)
  })

  it("finds Anthropic's dated model ids under their model", () => {
    expect(findPrice('claude-haiku-4-5-20251001', SHIPPED_PRICES)).toMatchObject({ by: 'snapshot', row: { model: 'claude-haiku-4-5', input: 1 } })
    expect(findPrice('claude-sonnet-4-20250514', SHIPPED_PRICES)).toMatchObject({ by: 'snapshot', row: { model: 'claude-sonnet-4' } })
    expect(findPrice('gemini-2.5-flash', SHIPPED_PRICES)).toMatchObject({ by: 'exact', row: { input: 0.3, output: 2.5 } })
  })

  it('prices embeddings on input only', () => {
    const small = findPrice('text-embedding-3-small', SHIPPED_PRICES)!.row
    expect(costOfUsage(usage(1_000_000, 0, 0), ratesFor(small, 'batch'))).toBeCloseTo(0.01, 10)
    expect(ratesFor(small, 'standard').output).toBe(0)
  })
})

describe('batchCost', () => {
  it('prices a batch API batch at batch price, with the standard cost for the saving', () => {
    const cost = batchCost({ model: 'gpt-4o-mini-2024-07-18', usage: usage(1_000_000, 0, 1_000_000), basis: 'batch', simulated: false }, SHIPPED_PRICES)
    expect(cost).toEqual({
      status: 'priced',
      basis: 'batch',
      cost: expect.closeTo(0.375, 10),
      standardCost: expect.closeTo(0.75, 10),
      cacheWriteCost: 0,
      priceModel: 'gpt-4o-mini',
    })
  })

  it('prices the built-in engine at the standard price: it sends ordinary requests upstream', () => {
    const cost = batchCost({ model: 'gpt-4o-mini', usage: usage(1_000_000, 0, 1_000_000), basis: 'standard', simulated: false }, SHIPPED_PRICES)
    expect(cost).toMatchObject({ status: 'priced', cost: expect.closeTo(0.75, 10), standardCost: expect.closeTo(0.75, 10) })
  })

  it('flags an unknown model instead of costing it at zero', () => {
    expect(batchCost({ model: 'llama3.1:8b', usage: usage(1000, 0, 1000), basis: 'standard', simulated: false }, SHIPPED_PRICES)).toEqual({
      status: 'no_price',
      model: 'llama3.1:8b',
    })
    expect(batchCost({ model: null, usage: usage(1000, 0, 1000), basis: 'batch', simulated: false }, SHIPPED_PRICES)).toEqual({
      status: 'no_price',
      model: null,
    })
  })

  it('says when usage is missing', () => {
    expect(batchCost({ model: 'gpt-4o', usage: null, basis: 'batch', simulated: false }, SHIPPED_PRICES)).toEqual({ status: 'no_usage' })
  })

  it('charges nothing for simulated answers, whatever the model', () => {
    expect(batchCost({ model: 'gpt-4o', usage: usage(1000, 0, 1000), basis: 'standard', simulated: true }, SHIPPED_PRICES)).toEqual({ status: 'simulated' })
  })

  it('costs a local model once the user gives it a price, even a price of zero', () => {
    const prices = [...SHIPPED_PRICES, row('llama*', 0, null, 0)]
    expect(batchCost({ model: 'llama3.1:8b', usage: usage(1000, 0, 1000), basis: 'standard', simulated: false }, prices)).toMatchObject({
      status: 'priced',
      cost: 0,
    })
  })
})

describe('estimateCost', () => {
  it('bounds the cost by the input estimate and the lines’ output caps', () => {
    const estimate = estimateCost(
      { model: 'gpt-4o-mini', estimatedInputTokens: 2_000_000, outputTokenCapTotal: 1_000_000, outputTokenCapMissing: 3, basis: 'batch' },
      SHIPPED_PRICES,
    )
    expect(estimate).toEqual({
      status: 'priced',
      basis: 'batch',
      inputCost: expect.closeTo(0.15, 10),
      maxOutputCost: expect.closeTo(0.3, 10),
      uncappedLines: 3,
      standardCost: expect.closeTo(0.9, 10),
      priceModel: 'gpt-4o-mini',
    })
  })

  it('flags an unknown model and a file without a token estimate', () => {
    const file = { estimatedInputTokens: 10, outputTokenCapTotal: 0, outputTokenCapMissing: 0, basis: 'batch' as const }
    expect(estimateCost({ ...file, model: 'mystery' }, SHIPPED_PRICES)).toEqual({ status: 'no_price', model: 'mystery' })
    expect(estimateCost({ ...file, model: 'gpt-4o', estimatedInputTokens: null }, SHIPPED_PRICES)).toEqual({ status: 'no_estimate' })
  })
})

describe('formatCost', () => {
  it('keeps fractions of a cent visible', () => {
    expect(formatCost(0)).toBe('$0.00')
    expect(formatCost(0.375)).toBe('$0.375')
    expect(formatCost(0.00135)).toBe('$0.0014')
    expect(formatCost(0.00001)).toBe('< $0.0001')
    expect(formatCost(1234.5)).toBe('$1,234.50')
  })
})

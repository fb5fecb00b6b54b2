import { describe, expect, it } from 'vitest'
import { saveConnectionInput } from '@/lib/validations/connections'

const base = { kind: 'anthropic', name: 'Claude batches', baseUrl: '', organization: '', project: '' }
const messages = (input: Record<string, unknown>) => {
  const parsed = saveConnectionInput.safeParse({ ...base, ...input })
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
}

describe('connection form numbers', () => {
  it('says what to type when a number field holds text (the form turns it into NaN)', () => {
    expect(messages({ defaultMaxTokens: Number.NaN })).toEqual(['defaultMaxTokens: a whole number of tokens, such as 1024'])
    expect(messages({ maxRequestsPerBatch: Number.NaN })).toEqual(['maxRequestsPerBatch: a whole number of requests, such as 50000'])
    expect(messages({ maxBytesPerBatch: Number.NaN })).toEqual(['maxBytesPerBatch: a number of MB, such as 200'])
    expect(messages({ enqueuedTokenLimits: { 'gpt-4o*': Number.NaN } })).toEqual([
      'enqueuedTokenLimits.gpt-4o*: one `model = tokens` per line, such as gpt-4o* = 2000000',
    ])
  })

  it('keeps the range messages and takes good numbers', () => {
    expect(messages({ defaultMaxTokens: 0 })).toEqual(['defaultMaxTokens: at least 1 token'])
    expect(messages({ defaultMaxTokens: 1024, maxRequestsPerBatch: 10_000, enqueuedTokenLimits: { 'gpt-4o*': 2_000_000 } })).toEqual([])
  })
})

import { describe, expect, it } from 'vitest'
import { parseCompletionWindow } from '@/lib/server/engine/completion-window'
import { AdaptiveLimiter } from '@/lib/server/engine/limiter'
import { matchScore } from '@/lib/batch/model-patterns'
import { usageOf } from '@/lib/server/engine/results'
import { backoffMs, isRetryableStatus, retryAfterMs } from '@/lib/server/retry'

describe('completion windows', () => {
  it("accepts OpenAI's 24h and the documented <n>s|m|h|d extension from 10s to 30d", () => {
    expect(parseCompletionWindow('24h')).toBe(86_400)
    expect(parseCompletionWindow('1h')).toBe(3600)
    expect(parseCompletionWindow('72h')).toBe(259_200)
    expect(parseCompletionWindow('10s')).toBe(10)
    expect(parseCompletionWindow('30d')).toBe(2_592_000)
    for (const bad of ['', '24', 'h', '9s', '31d', '1.5h', '-1h', '24H', ' 24h']) expect(parseCompletionWindow(bad)).toBeNull()
  })
})

describe('retry policy', () => {
  it('retries 408, 409, 429 and 5xx but no other 4xx', () => {
    expect([408, 409, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true)
    expect([400, 401, 403, 404, 422].some(isRetryableStatus)).toBe(false)
  })

  it('grows the backoff exponentially with jitter, capped', () => {
    const options = { baseMs: 100, maxMs: 1000 }
    expect(backoffMs(1, options, () => 0)).toBe(50)
    expect(backoffMs(1, options, () => 1)).toBe(100)
    expect(backoffMs(3, options, () => 1)).toBe(400)
    expect(backoffMs(10, options, () => 1)).toBe(1000)
  })

  it('honours retry-after-ms, then retry-after in seconds or as a date', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' }, 60_000)).toBe(250)
    expect(retryAfterMs({ 'retry-after': '2' }, 60_000)).toBe(2000)
    expect(retryAfterMs({ 'retry-after': '600' }, 60_000)).toBe(60_000)
    const inFive = new Date(Date.now() + 5000).toUTCString()
    expect(retryAfterMs({ 'retry-after': inFive }, 60_000)).toBeGreaterThan(3000)
    expect(retryAfterMs({}, 60_000)).toBeNull()
  })
})

describe('model patterns', () => {
  it('prefers an exact name, then the most specific glob', () => {
    expect(matchScore('llama3.1:8b', 'llama3.1:8b')).toBeGreaterThan(matchScore('llama*', 'llama3.1:8b'))
    expect(matchScore('llama3*', 'llama3.1:8b')).toBeGreaterThan(matchScore('llama*', 'llama3.1:8b'))
    expect(matchScore('*', 'anything')).toBe(0)
    expect(matchScore('llama*', 'mistral')).toBe(-1)
    expect(matchScore('gpt-4o', 'gpt-4o-mini')).toBe(-1)
    expect(matchScore('a.b', 'axb')).toBe(-1)
  })
})

describe('usage', () => {
  it('reads chat and responses usage alike', () => {
    expect(
      usageOf({
        usage: {
          prompt_tokens: 10,
          completion_tokens: 5,
          total_tokens: 15,
          prompt_tokens_details: { cached_tokens: 4 },
          completion_tokens_details: { reasoning_tokens: 2 },
        },
      }),
    ).toEqual({ input: 10, output: 5, total: 15, cached: 4, reasoning: 2 })
    expect(
      usageOf({
        usage: {
          input_tokens: 7,
          output_tokens: 3,
          total_tokens: 10,
          input_tokens_details: { cached_tokens: 1 },
          output_tokens_details: { reasoning_tokens: 0 },
        },
      }),
    ).toEqual({ input: 7, output: 3, total: 10, cached: 1, reasoning: 0 })
    expect(usageOf({ usage: { prompt_tokens: 8, total_tokens: 8 } })).toEqual({ input: 8, output: 0, total: 8, cached: 0, reasoning: 0 })
    expect(usageOf({})).toEqual({ input: 0, output: 0, total: 0, cached: 0, reasoning: 0 })
  })
})

describe('adaptive concurrency', () => {
  it('halves on overload and climbs back by one per window of successes', async () => {
    const limiter = new AdaptiveLimiter(8)
    limiter.onOverload()
    expect(limiter.limit).toBe(4)
    limiter.onOverload()
    limiter.onOverload()
    limiter.onOverload()
    expect(limiter.limit).toBe(1)
    limiter.onSuccess()
    expect(limiter.limit).toBe(2)
    await limiter.acquire()
    await limiter.acquire()
    let third = false
    void limiter.acquire().then(() => (third = true))
    await Promise.resolve()
    expect(third).toBe(false)
    limiter.release()
    await Promise.resolve()
    expect(third).toBe(true)
  })
})

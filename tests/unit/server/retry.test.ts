import { describe, expect, it } from 'vitest'
import { backoffCeilingMs, backoffMs, pause, retryAfterMs, withRetries } from '@/lib/server/retry'

describe('backoff', () => {
  const policy = { baseMs: 1_000, maxMs: 60_000 }

  it('doubles from the base up to the cap', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffCeilingMs(attempt, policy))).toEqual([1_000, 2_000, 4_000, 8_000])
    expect(backoffCeilingMs(20, policy)).toBe(60_000)
  })

  it('jitters between half and all of the ceiling', () => {
    expect(backoffMs(3, policy, () => 0)).toBe(2_000)
    expect(backoffMs(3, policy, () => 0.5)).toBe(3_000)
    for (let i = 0; i < 200; i++) {
      const wait = backoffMs(4, policy)
      expect(wait).toBeGreaterThanOrEqual(4_000)
      expect(wait).toBeLessThanOrEqual(8_000)
    }
  })
})

describe('retryAfterMs', () => {
  it('reads fetch Headers as the openai SDK exposes them', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500)
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000)
    expect(retryAfterMs(new Headers())).toBeNull()
  })

  it('reads an HTTP date relative to now, never negative', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }, undefined, now)).toBe(7000)
    expect(retryAfterMs({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, undefined, now)).toBe(0)
  })

  it('ignores empty and unreadable values instead of reading them as zero', () => {
    expect(retryAfterMs({ 'retry-after-ms': '', 'retry-after': '2' })).toBe(2000)
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeNull()
  })

  it('caps the wait', () => {
    expect(retryAfterMs({ 'retry-after-ms': '90000' }, 60_000)).toBe(60_000)
  })
})

describe('withRetries', () => {
  it('tries again until the call succeeds, waiting what delayMs says', async () => {
    const delays: number[] = []
    let calls = 0
    const result = await withRetries(
      async (attempt) => {
        calls++
        if (attempt < 3) throw new Error(`failure ${attempt}`)
        return 'done'
      },
      {
        attempts: 5,
        delayMs: (_error, attempt) => {
          delays.push(attempt)
          return 1
        },
      },
    )
    expect(result).toBe('done')
    expect(calls).toBe(3)
    expect(delays).toEqual([1, 2])
  })

  it('throws the last error when attempts run out', async () => {
    let calls = 0
    const call = async (attempt: number) => {
      calls++
      throw new Error(`failure ${attempt}`)
    }
    await expect(withRetries(call, { attempts: 3, delayMs: () => 1 })).rejects.toThrow('failure 3')
    expect(calls).toBe(3)
  })

  it('gives up at once when delayMs declines', async () => {
    let calls = 0
    const call = async () => {
      calls++
      throw new Error('not retryable')
    }
    await expect(withRetries(call, { attempts: 5, delayMs: () => null })).rejects.toThrow('not retryable')
    expect(calls).toBe(1)
  })
})

describe('pause', () => {
  it('waits, or answers false as soon as the signal aborts', async () => {
    expect(await pause(1)).toBe(true)
    const controller = new AbortController()
    const started = Date.now()
    const waiting = pause(10_000, controller.signal)
    controller.abort()
    expect(await waiting).toBe(false)
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})

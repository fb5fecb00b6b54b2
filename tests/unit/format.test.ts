import { describe, expect, it } from 'vitest'
import { DEFAULT_BATCH_LIMITS } from '@/lib/connections/limits'
import { formatBytes, formatLimitBytes } from '@/lib/format'

describe('byte formats', () => {
  it('states a per-batch limit in the MB it is typed in', () => {
    expect(formatLimitBytes(DEFAULT_BATCH_LIMITS.openai!.maxBytes)).toBe('200 MB')
    expect(formatLimitBytes(DEFAULT_BATCH_LIMITS.anthropic!.maxBytes)).toBe('256 MB')
    expect(formatLimitBytes(2.5 * 1024 * 1024)).toBe('2.5 MB')
  })

  it('states a file size in decimal units', () => {
    expect(formatBytes(DEFAULT_BATCH_LIMITS.openai!.maxBytes)).toBe('210 MB')
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(1_500)).toBe('1.5 KB')
  })
})

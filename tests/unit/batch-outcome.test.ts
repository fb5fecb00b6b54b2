import { describe, expect, it } from 'vitest'
import { batchOutcome, isTerminal } from '@/lib/batch'

describe('batchOutcome', () => {
  it('calls a completed batch whose every line failed a failure, not a success', () => {
    expect(batchOutcome('completed', { total: 9, completed: 0, failed: 9 })).toEqual({ tone: 'danger', label: 'Completed · 9/9 failed' })
  })

  it('marks a completed batch with some failed lines as a warning', () => {
    expect(batchOutcome('completed', { total: 10_000, completed: 9_997, failed: 3 })).toEqual({ tone: 'warning', label: 'Completed · 3 failed' })
  })

  it('is green only when nothing failed', () => {
    expect(batchOutcome('completed', { total: 5, completed: 5, failed: 0 }).tone).toBe('success')
  })

  it('counts what was done and not done for an expired batch', () => {
    expect(batchOutcome('expired', { total: 10_000, completed: 7_420, failed: 0 })).toEqual({
      tone: 'warning',
      label: 'Expired · 7,420 done / 2,580 not done',
    })
  })

  it('shows running states as active', () => {
    for (const status of ['validating', 'in_progress', 'finalizing', 'cancelling'] as const) {
      expect(batchOutcome(status, { total: 1, completed: 0, failed: 0 }).tone).toBe('active')
      expect(isTerminal(status)).toBe(false)
    }
    for (const status of ['completed', 'failed', 'expired', 'cancelled'] as const) expect(isTerminal(status)).toBe(true)
  })
})

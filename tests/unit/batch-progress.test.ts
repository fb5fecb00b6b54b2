import { describe, expect, it } from 'vitest'
import { pollDelay, progressParts } from '@/lib/batch'
import { formatDuration } from '@/lib/format'

describe('progressParts', () => {
  it('splits the bar into completed, failed and remaining', () => {
    expect(progressParts('in_progress', { total: 10, completed: 5, failed: 2 })).toEqual({ completed: 0.5, failed: 0.2, remaining: 0.3, phase: 'running' })
  })

  it('shows finalizing and cancelling as their own phases, not as a finished 100 %', () => {
    expect(progressParts('finalizing', { total: 4, completed: 4, failed: 0 }).phase).toBe('finalizing')
    expect(progressParts('cancelling', { total: 4, completed: 1, failed: 0 }).phase).toBe('cancelling')
    expect(progressParts('completed', { total: 4, completed: 4, failed: 0 }).phase).toBe('done')
  })

  it('has nothing to fill before the total is known', () => {
    expect(progressParts('validating', { total: 0, completed: 0, failed: 0 })).toEqual({ completed: 0, failed: 0, remaining: 0, phase: 'waiting' })
  })
})

describe('pollDelay', () => {
  it('polls every second while answers change, backing off to 5 s when they do not', () => {
    expect(pollDelay(0)).toBe(1000)
    expect(pollDelay(2_000)).toBe(1000)
    expect(pollDelay(6_000)).toBe(3000)
    expect(pollDelay(60_000)).toBe(5000)
  })
})

describe('formatDuration', () => {
  it('reads at a glance', () => {
    expect(formatDuration(0.3)).toBe('< 1 s')
    expect(formatDuration(42)).toBe('42 s')
    expect(formatDuration(125)).toBe('2 min')
    expect(formatDuration(3 * 3600 + 5 * 60)).toBe('3 h 5 min')
    expect(formatDuration(2 * 86_400 + 4 * 3600)).toBe('2 d 4 h')
  })
})

import 'server-only'
import { backoffCeilingMs } from '@/lib/server/retry'

export type SyncIntervals = { minMs: number; maxMs: number }

/** About 10 s at first, a tenth of the batch's age later, at most 5 minutes (a 24 h batch costs ~300 calls). */
export const DEFAULT_SYNC_INTERVALS: SyncIntervals = { minMs: 10_000, maxMs: 300_000 }

/**
 * How long until the next provider call for one batch. A batch that just changed (or is finalizing: its files come
 * next) is asked again soon; one that has run unchanged for long is asked less often; failures back off
 * exponentially; a provider's Retry-After is always honoured.
 */
export function nextSyncDelayMs(
  state: { ageMs: number; changed: boolean; finalizing: boolean; failures: number; retryAfterMs: number | null },
  intervals: SyncIntervals = DEFAULT_SYNC_INTERVALS,
): number {
  const { minMs, maxMs } = intervals
  const clamp = (ms: number) => Math.min(maxMs, Math.max(minMs, ms))
  let delay = state.changed || state.finalizing ? minMs : clamp(state.ageMs / 10)
  // No jitter: batches are already spread by their ages, and a predictable schedule is easier to reason about.
  if (state.failures > 0) delay = Math.max(delay, clamp(backoffCeilingMs(state.failures + 1, { baseMs: minMs, maxMs })))
  // Retry-After may exceed the cap: the provider decides when it will answer again.
  if (state.retryAfterMs !== null) delay = Math.max(delay, state.retryAfterMs)
  return Math.round(delay)
}

/**
 * How often the sync loop looks for due batches. A batch falls due between two looks: looking once a second would add
 * up to a second to each interval, and a short one (a job's parts on a 1 s interval) would wait up to twice what it
 * asked for. So a short interval is looked at four times over; an idle look is one prepared read.
 */
export const syncLookEveryMs = (minMs: number) => Math.min(1000, Math.max(100, minMs / 4))

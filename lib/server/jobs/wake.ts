import 'server-only'
import { db } from '@/lib/server/db'
import { publish, subscribe } from '@/lib/server/db/notify'
import type { Poller } from '@/lib/server/poller'

// A leaf of the jobs module (only the database below it), so onBatchTerminal can wake a job without an import cycle.

export const ACTIVE_JOB_STATUSES = ['splitting', 'running', 'paused', 'cancelling'] as const

const globalForJobs = globalThis as unknown as { batchboardJobs?: Poller; batchboardJobsListening?: boolean; batchboardMissedJobWakes?: Set<string> }

/** Jobs asked to look again while a look held them (this process): that look ends by making them due at once. */
const missedWakes = (globalForJobs.batchboardMissedJobWakes ??= new Set())

/** This process's job loop, if one runs (Next's dev server re-evaluates modules, so it lives on globalThis). */
export const runningJobLoop = (): Poller | undefined => globalForJobs.batchboardJobs

export function registerJobLoop(poller: Poller): void {
  globalForJobs.batchboardJobs = poller
  // On PostgreSQL a job made due by another process (a server's create or cancel, a worker's batch ending) wakes this loop too.
  if (!globalForJobs.batchboardJobsListening) {
    globalForJobs.batchboardJobsListening = true
    subscribe('jobs', () => globalForJobs.batchboardJobs?.wake())
  }
}

/** The job loop's claim on a job: a process ticking it has set its nextTickAt this far ahead (loop.ts). */
export const CLAIM_MS = 2 * 60_000

/** Longest a job waits for its next look when nothing wakes it: about one remote sync interval. */
export const TICK_MS = 5_000

/**
 * Makes a job due now and wakes this process's loop (after create, resume, cancel, or one of its batches ending). A job
 * another look has claimed is left alone: making it due would let a second process (server and worker both run the
 * loop) tick it at the same time and split the same retry lines twice. The wake is kept instead: a look of this
 * process ends by making the job due again at once (takeMissedWake), so a part that ends while its job is being
 * looked at (submitting another part, say) is acted on within a tick, not TICK_MS later. A look of another process
 * ends within TICK_MS.
 */
export async function requestJobTick(jobId: string): Promise<void> {
  const woken = await db.job.updateMany({
    where: { id: jobId, status: { in: [...ACTIVE_JOB_STATUSES] }, nextTickAt: { lte: new Date(Date.now() + TICK_MS) } },
    data: { nextTickAt: new Date() },
  })
  if (woken.count === 0 && (await db.job.count({ where: { id: jobId, status: { in: [...ACTIVE_JOB_STATUSES] } } })) > 0) missedWakes.add(jobId)
  globalForJobs.batchboardJobs?.wake()
  await publish('jobs', jobId)
}

/** Whether the job was asked to look again while this process's look held it (and forgets that it was). */
export const takeMissedWake = (jobId: string): boolean => missedWakes.delete(jobId)

import 'server-only'
import { db } from '@/lib/server/db'
import type { Poller } from '@/lib/server/poller'

// A leaf of the jobs module (only the database below it), so onBatchTerminal can wake a job without an import cycle.

export const ACTIVE_JOB_STATUSES = ['splitting', 'running', 'paused', 'cancelling'] as const

const globalForJobs = globalThis as unknown as { batchboardJobs?: Poller }

/** This process's job loop, if one runs (Next's dev server re-evaluates modules, so it lives on globalThis). */
export const runningJobLoop = (): Poller | undefined => globalForJobs.batchboardJobs

export function registerJobLoop(poller: Poller): void {
  globalForJobs.batchboardJobs = poller
}

/** Makes a job due now and wakes this process's loop (after create, resume, cancel, or one of its batches ending). */
export async function requestJobTick(jobId: string): Promise<void> {
  await db.job.updateMany({ where: { id: jobId, status: { in: [...ACTIVE_JOB_STATUSES] } }, data: { nextTickAt: new Date() } })
  globalForJobs.batchboardJobs?.wake()
}

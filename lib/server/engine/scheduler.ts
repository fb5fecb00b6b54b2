import 'server-only'
import os from 'node:os'
import { BUILTIN_CONNECTION_ID } from '@/lib/constants'
import { db, dbKind } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'
import { publish, subscribe } from '@/lib/server/db/notify'
import { claimSkipLocked, utcTimestamp } from '@/lib/server/db/skip-locked'
import { env } from '@/lib/server/env'
import { logger } from '@/lib/server/log'
import { newLeaseOwner } from '@/lib/server/ids'
import { startPoller } from '@/lib/server/poller'
import { backoffMs } from '@/lib/server/retry'
import { DEFAULT_ENGINE_OPTIONS, runBatch, type EngineOptions } from './runner'

export type SchedulerOptions = Partial<EngineOptions> & {
  /** How often to look for work when nothing wakes the scheduler. */
  pollMs?: number
  /** Batches this process runs at once. */
  maxBatches?: number
}

export type Scheduler = {
  owner: string
  wake(): void
  /** Batches this scheduler is running now. */
  running(): number
  stop(): Promise<void>
}

/** Statuses of a builtin batch the engine still has work on. */
export const ACTIVE_STATUSES = ['validating', 'in_progress', 'finalizing', 'cancelling']
/** A batch whose run failed is resumed after 2 s, then ever later, at least every minute. */
const RESUME_BACKOFF = { baseMs: 2_000, maxMs: 60_000 }

/** What creating or cancelling a batch wakes: a scheduler of this thread, or the engine thread (./thread.ts). */
export type WakeTarget = { wake(): void; notify(batchId: string): void }

// The wake targets of this thread, so creating or cancelling a batch can wake them instead of waiting for a poll. On
// globalThis: instrumentation (which starts the engine) and the routes (which create batches) are separate bundles.
const globalForSchedulers = globalThis as unknown as { batchboardWakeTargets?: Set<WakeTarget>; batchboardEngineListening?: boolean }
const schedulers = (globalForSchedulers.batchboardWakeTargets ??= new Set())

/** Adds a wake target, which on PostgreSQL other processes' creates and cancels wake too; returns its removal. */
export function addWakeTarget(target: WakeTarget): () => void {
  schedulers.add(target)
  if (!globalForSchedulers.batchboardEngineListening) {
    globalForSchedulers.batchboardEngineListening = true
    subscribe('engine', wakeLocalSchedulers)
  }
  return () => void schedulers.delete(target)
}

/** Wakes this thread's schedulers only (a wake-up that came from elsewhere, which need not be told again). */
export function wakeLocalSchedulers(batchId: string) {
  for (const scheduler of schedulers) {
    if (batchId) scheduler.notify(batchId)
    scheduler.wake()
  }
}

/**
 * After a builtin batch is created (no id) or cancelled (its id): this process's schedulers look at once, and on
 * PostgreSQL so do every other process's (a worker picks up a batch created through any server, the process running a
 * cancelled batch stops it), instead of at their next poll.
 */
export function wakeSchedulers(batchId?: string) {
  wakeLocalSchedulers(batchId ?? '')
  void publish('engine', batchId ?? '')
}

/** A lease held by a process on this machine that no longer exists can be taken at once, not after it expires. */
function isDeadLocalOwner(owner: string): boolean {
  const [host, pid] = owner.split(':')
  if (host !== os.hostname() || !pid) return false
  try {
    process.kill(Number(pid), 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

/**
 * Finds builtin batches that need work and runs them, each under a lease renewed with every commit: two
 * processes (the server and `npm run worker`, or several workers) never run the same batch.
 */
export function startScheduler(options: SchedulerOptions = {}): Scheduler {
  const engineOptions: EngineOptions = { ...DEFAULT_ENGINE_OPTIONS, maxAttempts: env.engineMaxAttempts, ...options }
  const pollMs = options.pollMs ?? env.enginePollMs
  const maxBatches = options.maxBatches ?? env.engineMaxBatches
  const owner = newLeaseOwner()
  const shutdown = new AbortController()
  const running = new Map<string, { promise: Promise<void>; check?: () => void }>()
  const retryAfter = new Map<string, { at: number; failures: number }>()

  async function claim(batchId: string, leaseOwner: string | null, leaseExpiresAt: Date | null): Promise<boolean> {
    const now = new Date()
    const free = leaseOwner === null || (leaseExpiresAt !== null && leaseExpiresAt < now) || isDeadLocalOwner(leaseOwner)
    if (!free) return false
    const { count } = await db.engineRun.updateMany({
      // Compare-and-set on the lease we saw: if another process claimed it meanwhile, this matches nothing.
      where: { batchId, leaseOwner, leaseExpiresAt },
      data: { leaseOwner: owner, leaseExpiresAt: new Date(now.getTime() + engineOptions.leaseMs) },
    })
    return count === 1
  }

  function start(batchId: string) {
    const entry: { promise: Promise<void>; check?: () => void } = { promise: Promise.resolve() }
    entry.promise = runBatch(batchId, { owner, options: engineOptions, signal: shutdown.signal, onStop: (check) => (entry.check = check) })
      .then(() => void retryAfter.delete(batchId))
      .catch(async (error: unknown) => {
        logger.error({ err: error, batchId }, 'Engine: a batch stopped with an error; it will be resumed.')
        const failures = (retryAfter.get(batchId)?.failures ?? 0) + 1
        retryAfter.set(batchId, { at: Date.now() + backoffMs(failures, RESUME_BACKOFF), failures })
        await db.engineRun.updateMany({ where: { batchId, leaseOwner: owner }, data: { leaseOwner: null, leaseExpiresAt: null } }).catch(() => {})
      })
      .finally(() => {
        running.delete(batchId)
        if (!shutdown.signal.aborted) poller.wake()
      })
    running.set(batchId, entry)
  }

  /** PostgreSQL: takes the free (unleased or expired) batches in one statement, skipping those others are claiming. */
  async function claimFree(): Promise<string[]> {
    const now = new Date()
    const exclude = [...running.keys(), ...[...retryAfter].filter(([, backoff]) => backoff.at > now.getTime()).map(([id]) => id)]
    const expires = utcTimestamp(new Date(now.getTime() + engineOptions.leaseMs))
    return claimSkipLocked({
      table: Prisma.sql`"EngineRun"`,
      key: Prisma.sql`"batchId"`,
      set: Prisma.sql`"leaseOwner" = ${owner}, "leaseExpiresAt" = ${expires}, "updatedAt" = ${utcTimestamp(now)}`,
      from: Prisma.sql`FROM "EngineRun" AS r JOIN "Batch" AS b ON b."id" = r."batchId"
        WHERE b."connectionId" = ${BUILTIN_CONNECTION_ID} AND b."status" IN (${Prisma.join(ACTIVE_STATUSES)})
          AND (r."leaseOwner" IS NULL OR r."leaseExpiresAt" < ${utcTimestamp(now)})
          ${exclude.length ? Prisma.sql`AND r."batchId" NOT IN (${Prisma.join(exclude)})` : Prisma.empty}`,
      alias: 'r',
      orderBy: Prisma.sql`b."createdAt"`,
      limit: maxBatches - running.size,
    })
  }

  async function tick() {
    if (shutdown.signal.aborted || running.size >= maxBatches) return
    if (dbKind === 'postgresql') for (const batchId of await claimFree()) start(batchId)
    if (running.size >= maxBatches) return
    // SQLite claims here, by compare-and-set; on both, a lease whose holder died on this machine is taken at once.
    const candidates = await db.batch.findMany({
      where: { connectionId: BUILTIN_CONNECTION_ID, status: { in: ACTIVE_STATUSES }, id: { notIn: [...running.keys()] } },
      select: { id: true, engineRun: { select: { leaseOwner: true, leaseExpiresAt: true } } },
      orderBy: { createdAt: 'asc' },
      take: maxBatches * 4,
    })
    for (const candidate of candidates) {
      if (running.size >= maxBatches || shutdown.signal.aborted) break
      if (!candidate.engineRun) continue
      if (dbKind === 'postgresql' && !(candidate.engineRun.leaseOwner && isDeadLocalOwner(candidate.engineRun.leaseOwner))) continue
      const backoff = retryAfter.get(candidate.id)
      if (backoff && backoff.at > Date.now()) continue
      if (await claim(candidate.id, candidate.engineRun.leaseOwner, candidate.engineRun.leaseExpiresAt)) start(candidate.id)
    }
  }

  const poller = startPoller({
    intervalMs: pollMs,
    tick,
    onError: (error) => logger.error({ err: error }, 'Engine scheduler: looking for work failed.'),
  })
  const handle = { wake: poller.wake, notify: (batchId: string) => running.get(batchId)?.check?.() }
  const removeTarget = addWakeTarget(handle)

  return {
    owner,
    wake: poller.wake,
    running: () => running.size,
    async stop() {
      removeTarget()
      shutdown.abort()
      await poller.stop()
      await Promise.allSettled([...running.values()].map((entry) => entry.promise))
    },
  }
}

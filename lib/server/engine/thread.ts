import 'server-only'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { BUILTIN_CONNECTION_ID } from '@/lib/constants'
import { db } from '@/lib/server/db'
import { logger } from '@/lib/server/log'
import { addEngineMetrics, clearEngineInFlight } from '@/lib/server/metrics'
import { ACTIVE_STATUSES, addWakeTarget } from './scheduler'
import type { FromEngineThread, ToEngineThread } from './thread-messages'

// Resolved from the project root, as the worker pool's entry is (lib/server/workers/pool.ts says why).
const ENTRY = path.join(/* turbopackIgnore: true */ process.cwd(), 'lib', 'workers', 'engine-entry.mjs')

export type EngineThreadOptions = {
  /** How often, while no engine thread runs, to look for builtin batches nobody runs. */
  pollMs?: number
  /** An engine thread with no batch to run for this long ends (and with it its memory). */
  idleMs?: number
}

export type EngineThread = {
  /** Whether an engine thread is up now. */
  readonly running: boolean
  wake(batchId?: string): void
  /** Ends the thread (its batches handed back) and the polling. */
  stop(): Promise<void>
}

/** Whether a builtin batch has work that no live lease covers: one indexed query, run only while no thread is up. */
async function hasUnclaimedWork(): Promise<boolean> {
  const now = new Date()
  const batch = await db.batch.findFirst({
    where: {
      connectionId: BUILTIN_CONNECTION_ID,
      status: { in: ACTIVE_STATUSES },
      engineRun: { OR: [{ leaseOwner: null }, { leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }] },
    },
    select: { id: true },
  })
  return batch !== null
}

/**
 * Runs the built-in engine in a worker thread of this process (decision 055), so that its scheduler, runner, live
 * results index and simulator never hold up the event loop that answers requests. The thread exists only while there
 * is engine work: creating or cancelling a builtin batch wakes it (wakeSchedulers), a cheap poll finds work left by a
 * restart or another process, and a thread with nothing to run for `idleMs` ends. It has its own database client
 * (SQLite: a second connection, under the same busy timeout and immediate transactions as any other process), and
 * sends its metrics here every second.
 */
export function startEngineThread(options: EngineThreadOptions = {}): EngineThread {
  const pollMs = options.pollMs ?? 5_000
  const idleMs = options.idleMs ?? 60_000
  let worker: Worker | null = null
  let owner: string | null = null
  let stopping = false
  let restart = false
  let closed = false
  let quietSince: number | null = null
  let lastWakeAt = 0
  let ended: Promise<void> = Promise.resolve()

  const send = (message: ToEngineThread) => worker?.postMessage(message)

  function onMessage(message: FromEngineThread) {
    if (message.kind === 'started') owner = message.owner
    else if (message.kind === 'stopped') void worker?.terminate()
    else {
      addEngineMetrics(message)
      const now = Date.now()
      quietSince = message.running > 0 ? null : (quietSince ?? now)
      if (!stopping && quietSince !== null && now - quietSince >= idleMs && now - lastWakeAt >= idleMs) stopThread()
    }
  }

  function stopThread() {
    stopping = true
    send({ kind: 'stop' })
  }

  function start() {
    stopping = false
    restart = false
    quietSince = null
    owner = null
    // execArgv: the react-server condition (as `npm run worker` has), so the engine's 'server-only' modules load.
    const thread = new Worker(/* turbopackIgnore: true */ ENTRY, { execArgv: ['--conditions=react-server'] })
    worker = thread
    thread.on('message', onMessage)
    thread.on('error', (error) => logger.error({ err: error }, 'The engine thread failed; its batches are resumed.'))
    ended = new Promise((resolve) =>
      thread.once('exit', (code) => {
        worker = null
        clearEngineInFlight()
        // A thread that ended without handing its batches back (it failed): its leases name this live process, so
        // no scheduler would take them before they expire; free them now.
        const lost = stopping ? null : owner
        if (lost) logger.error({ code }, 'The engine thread ended unexpectedly; its batches are resumed.')
        const freed = lost ? db.engineRun.updateMany({ where: { leaseOwner: lost }, data: { leaseOwner: null, leaseExpiresAt: null } }) : Promise.resolve()
        void freed
          .catch((error: unknown) => logger.error({ err: error }, 'Freeing the engine thread leases failed.'))
          .then(() => {
            if (!closed && restart) start()
          })
          .finally(resolve)
      }),
    )
  }

  function wake(batchId?: string) {
    lastWakeAt = Date.now()
    if (closed) return
    if (!worker) start()
    else if (stopping) restart = true
    else send({ kind: 'wake', batchId })
  }

  let polling = false
  const poll = setInterval(() => {
    if (worker || closed || polling) return
    polling = true
    void hasUnclaimedWork()
      .then((found) => {
        if (found && !worker && !closed) start()
      })
      .catch((error: unknown) => logger.error({ err: error }, 'Engine: looking for work failed.'))
      .finally(() => (polling = false))
  }, pollMs)
  poll.unref()
  const removeTarget = addWakeTarget({ wake: () => wake(), notify: (batchId) => wake(batchId) })
  // At start: whatever a previous run of the server left queued or running.
  void hasUnclaimedWork()
    .then((found) => found && wake())
    .catch((error: unknown) => logger.error({ err: error }, 'Engine: looking for work failed.'))

  return {
    get running() {
      return worker !== null
    },
    wake,
    async stop() {
      closed = true
      clearInterval(poll)
      removeTarget()
      if (worker && !stopping) stopThread()
      await ended
    },
  }
}

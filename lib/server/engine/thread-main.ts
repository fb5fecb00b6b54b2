import 'server-only'
import { parentPort } from 'node:worker_threads'
import { db } from '@/lib/server/db'
import { logger } from '@/lib/server/log'
import { takeEngineMetrics } from '@/lib/server/metrics'
import { startScheduler, wakeLocalSchedulers } from './scheduler'
import type { FromEngineThread, ToEngineThread } from './thread-messages'

const REPORT_EVERY_MS = 1_000

/**
 * The engine thread's body (started by ./thread.ts through lib/workers/engine-entry.mjs): the scheduler, the runner,
 * the live results index and the simulator, on this thread's event loop and its own database connection. Reports its
 * figures every second; on "stop" hands its batches back and says "stopped".
 */
export async function runEngineThread(): Promise<void> {
  const port = parentPort
  if (!port) throw new Error('runEngineThread runs in a worker thread.')
  const post = (message: FromEngineThread) => port.postMessage(message)
  const scheduler = startScheduler()
  const report = async () => post({ kind: 'report', running: scheduler.running(), ...(await takeEngineMetrics()) })
  const timer = setInterval(() => void report().catch((error: unknown) => logger.error({ err: error }, 'Engine thread: reporting failed.')), REPORT_EVERY_MS)
  let stopping: Promise<void> | null = null
  port.on('message', (message: ToEngineThread) => {
    // The server thread that sent it has told the other processes already.
    if (message.kind === 'wake') wakeLocalSchedulers(message.batchId ?? '')
    else
      stopping ??= (async () => {
        clearInterval(timer)
        await scheduler.stop()
        await report()
        await db.$disconnect()
        post({ kind: 'stopped' })
      })()
  })
  post({ kind: 'started', owner: scheduler.owner })
}

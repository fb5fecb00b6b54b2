import 'server-only'
import { startScheduler, type Scheduler, type SchedulerOptions } from './scheduler'
import { startEngineThread, type EngineThread } from './thread'
import { seedUpstreamsFromEnv } from './upstreams'

// One engine per process: Next's dev server re-evaluates modules, the worker calls this once.
const globalForEngine = globalThis as unknown as { batchboardEngine?: Promise<Scheduler>; batchboardEngineThread?: Promise<EngineThread> }

/** Seeds upstreams from BATCHBOARD_UPSTREAMS and starts the scheduler on this thread; later calls return the same one. */
export function startEngine(options: SchedulerOptions = {}): Promise<Scheduler> {
  globalForEngine.batchboardEngine ??= seedUpstreamsFromEnv().then(() => startScheduler(options))
  return globalForEngine.batchboardEngine
}

/**
 * The server's engine (decision 055): seeds upstreams, then runs the scheduler in a worker thread started whenever
 * there is engine work; later calls return the same one.
 */
export function startEngineInThread(): Promise<EngineThread> {
  globalForEngine.batchboardEngineThread ??= seedUpstreamsFromEnv().then(() => startEngineThread())
  return globalForEngine.batchboardEngineThread
}

/** Whether this process runs the engine, on this thread or in its engine thread (for /api/health). */
export const isEngineRunning = () => globalForEngine.batchboardEngine !== undefined || globalForEngine.batchboardEngineThread !== undefined

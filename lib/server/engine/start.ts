import 'server-only'
import { startScheduler, type Scheduler, type SchedulerOptions } from './scheduler'
import { seedUpstreamsFromEnv } from './upstreams'

// One engine per process: Next's dev server re-evaluates modules, the worker calls this once.
const globalForEngine = globalThis as unknown as { batchboardEngine?: Promise<Scheduler> }

/** Seeds upstreams from BATCHBOARD_UPSTREAMS and starts the scheduler; later calls return the same one. */
export function startEngine(options: SchedulerOptions = {}): Promise<Scheduler> {
  globalForEngine.batchboardEngine ??= seedUpstreamsFromEnv().then(() => startScheduler(options))
  return globalForEngine.batchboardEngine
}

/** Whether this process runs the engine's scheduler (for /api/health). */
export const isEngineRunning = () => globalForEngine.batchboardEngine !== undefined

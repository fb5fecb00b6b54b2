import 'server-only'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { Piscina } from 'piscina'
import { WORKER_IDLE_MS } from '@/lib/constants'
import type { WorkerResult, WorkerTask } from '@/lib/workers/tasks'

// Resolved from the project root (the working directory of `npm start`, `npm run worker` and the tests), not from
// this module: in the Next build this module lives in a bundle chunk under .next, the worker entry in the source tree.
const ENTRY = path.join(/* turbopackIgnore: true */ process.cwd(), 'lib', 'workers', 'entry.mjs')

// Threads go after an idle minute (WORKER_IDLE_MS): each one holds the tokenizer's rank tables (about 60 MB), which a
// server at rest should not keep. One core stays for the request thread.
const MAX_THREADS = Math.max(1, Math.min(4, availableParallelism() - 1))

function createPool() {
  return new Piscina<WorkerTask, WorkerResult<WorkerTask>>({ filename: ENTRY, minThreads: 0, maxThreads: MAX_THREADS, idleTimeout: WORKER_IDLE_MS })
}

// One pool per process: instrumentation and the routes are separate bundles, and Next's dev server re-evaluates modules.
const globalForPool = globalThis as unknown as { batchboardWorkerPool?: Piscina<WorkerTask, WorkerResult<WorkerTask>> }

function pool() {
  globalForPool.batchboardWorkerPool ??= createPool()
  return globalForPool.batchboardWorkerPool
}

/** Runs CPU-heavy work (validation, hashing) in a worker thread; resolves with its result. */
export function runInWorker<T extends WorkerTask>(task: T): Promise<WorkerResult<T>> {
  return pool().run(task) as Promise<WorkerResult<T>>
}

/** Tasks waiting for a thread, threads running and tasks completed since the process started; zero before the first task. */
export function workerPoolStats(): { queued: number; threads: number; completed: number } {
  const current = globalForPool.batchboardWorkerPool
  return current ? { queued: current.queueSize, threads: current.threads.length, completed: current.completed } : { queued: 0, threads: 0, completed: 0 }
}

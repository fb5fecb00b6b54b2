import 'server-only'
import type { EngineMetrics } from '@/lib/server/metrics'

/** From the thread that serves requests to the engine thread. */
export type ToEngineThread = { kind: 'wake'; batchId?: string } | { kind: 'stop' }

/** From the engine thread: its lease owner once running, its figures every second, and its end. */
export type FromEngineThread = { kind: 'started'; owner: string } | ({ kind: 'report'; running: number } & EngineMetrics) | { kind: 'stopped' }

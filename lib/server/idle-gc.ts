import 'server-only'
import { performance } from 'node:perf_hooks'

const CHECK_EVERY_MS = 30_000
/** Below this share of the last interval spent running JavaScript, the server counts as idle. */
const IDLE_UTILIZATION = 0.02
/** Collect only when there is something to give back: heap held but unused, plus buffers outside the heap. */
const SLACK_BYTES = 24 * 1024 * 1024

/**
 * A full garbage collection once the server has gone idle after work. V8 collects when JavaScript allocates, so a
 * server that stops after a load keeps that load's garbage: upload chunks' buffers (outside the heap, freed only by a
 * collection) and heap pages it grew into. One collection when idle frees both. It needs `gc`, which `npm start` exposes
 * (`--expose-gc`, lib/cli/start.ts); without it (tests, `npm run dev`) this does nothing. At most once per idle spell.
 */
export function startIdleCollection() {
  const collect = (globalThis as { gc?: () => void }).gc
  if (typeof collect !== 'function') return
  let last = performance.eventLoopUtilization()
  let collected = true
  setInterval(() => {
    const now = performance.eventLoopUtilization()
    const idle = performance.eventLoopUtilization(now, last).utilization < IDLE_UTILIZATION
    last = now
    if (!idle) {
      collected = false
      return
    }
    if (collected) return
    const memory = process.memoryUsage()
    if (memory.heapTotal - memory.heapUsed + memory.external < SLACK_BYTES) return
    collect()
    collected = true
  }, CHECK_EVERY_MS).unref()
}

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

/** Heap growth over which long bulk work collects (see collectWhenGrown). */
const BULK_GROWTH_BYTES = 32 * 1024 * 1024

/**
 * For long bulk work on the request thread (a job's split, part after part): call it between steps, and it runs a full
 * collection each time the heap has grown by BULK_GROWTH_BYTES since the last. Each 50,000-line part of a split leaves
 * about 7 MB of garbage that outlived the young generation (its rows, the database client's copies of them), and V8
 * let a 1,000,000-line split grow the heap by 90 MB before collecting (decision 062). One collection every few parts
 * bounds that, at a pause of tens of ms each (rather than one a part). A no-op without `gc` (tests, `npm run dev`).
 */
export function collectWhenGrown(): () => void {
  const collect = (globalThis as { gc?: () => void }).gc
  let since = process.memoryUsage().heapUsed
  return () => {
    if (typeof collect !== 'function' || process.memoryUsage().heapUsed - since < BULK_GROWTH_BYTES) return
    collect()
    since = process.memoryUsage().heapUsed
  }
}

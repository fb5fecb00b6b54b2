import { readFileSync, writeFileSync } from 'node:fs'

// Decimal, like the file sizes and the "200 MB" limit they are compared with (and stricter than MiB for a target).
export const MB = 1_000_000

/** A field of /proc/<pid>/status in bytes (VmRSS, VmHWM), or null where /proc is not available. */
export function procStatusBytes(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : null
  } catch {
    return null
  }
}

/**
 * The proportional set size of a process in bytes (/proc/<pid>/smaps_rollup): its private pages plus its share of
 * pages mapped by several processes (the node binary npm and the server both run), so PSS sums over processes without
 * counting a shared page twice, as RSS does. Null where /proc has no smaps_rollup.
 */
export function procPssBytes(pid: number): number | null {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))
    return match ? Number(match[1]) * 1024 : null
  } catch {
    return null
  }
}

/** Resets the kernel's peak-RSS mark (VmHWM) of a process we own; false where that is not possible. */
function resetPeak(pid: number | 'self'): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

export type RssTracker = {
  /** RSS just before tracking started, in bytes. */
  before: number
  /** Stops sampling; the peak RSS growth over `before`, in bytes. */
  stop(): number
}

/**
 * Samples a process's RSS every `intervalMs` and keeps the peak. A short-lived spike between two samples
 * can be missed, so where Linux allows it the kernel's own peak mark is reset at the start and read at the
 * end as well, and the larger of the two is the answer.
 */
export function trackPeakRss(pid: number | 'self' = 'self', intervalMs = 20): RssTracker {
  const read = () => (pid === 'self' ? process.memoryUsage.rss() : (procStatusBytes(pid, 'VmRSS') ?? 0))
  const before = read()
  const kernelPeak = resetPeak(pid)
  let peak = before
  const timer = setInterval(() => {
    peak = Math.max(peak, read())
  }, intervalMs)
  return {
    before,
    stop() {
      clearInterval(timer)
      peak = Math.max(peak, read(), kernelPeak ? (procStatusBytes(pid, 'VmHWM') ?? 0) : 0)
      return peak - before
    },
  }
}

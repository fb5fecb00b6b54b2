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

/** Where a process's resident memory is, in bytes, from /proc/<pid>/smaps (see procMemoryMap). */
export type MemoryMap = {
  /** Pages backed by files: the node binary, shared libraries, native addons (shared with other processes where they map them too). */
  file: number
  /** Anonymous pages: the V8 heap, malloc's memory, thread stacks. */
  anon: number
  /** Of anon: the main malloc arena (`[heap]`, grown with brk), used by the main thread. */
  mainArena: number
  /** Of anon: glibc's other malloc arenas (64 MiB-aligned reservations, one per thread group up to MALLOC_ARENA_MAX). */
  otherArenas: number
  /** How many such arenas are mapped. */
  arenaCount: number
  /** Of anon: the rest (V8's heap pages, malloc's large mmap'd blocks, thread stacks). */
  otherAnon: number
}

/** glibc's non-main arenas reserve HEAP_MAX_SIZE (2 × the 32 MiB mmap threshold maximum on 64-bit) aligned to it. */
const ARENA_BYTES = 64 * 1024 * 1024

/**
 * A breakdown of a process's RSS by kind of mapping, from /proc/<pid>/smaps: file-backed against anonymous, and of the
 * anonymous part what glibc's malloc holds in its arenas (the main one, `[heap]`, and the 64 MiB-aligned others) as
 * against the rest. An arena is recognised by its shape: an anonymous read-write mapping at a 64 MiB boundary,
 * followed by its unused reserve (`---p`), the two spanning 64 MiB. Null where /proc has no smaps.
 */
export function procMemoryMap(pid: number): MemoryMap | null {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8')
  } catch {
    return null
  }
  type Mapping = { start: number; end: number; perms: string; inode: string; name: string; rss: number }
  const mappings: Mapping[] = []
  for (const line of text.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$/.exec(line)
    if (header) {
      mappings.push({ start: parseInt(header[1]!, 16), end: parseInt(header[2]!, 16), perms: header[3]!, inode: header[4]!, name: header[5]!, rss: 0 })
      continue
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line)
    if (rss && mappings.length > 0) mappings[mappings.length - 1]!.rss = Number(rss[1]) * 1024
  }
  const map: MemoryMap = { file: 0, anon: 0, mainArena: 0, otherArenas: 0, arenaCount: 0, otherAnon: 0 }
  for (const [index, mapping] of mappings.entries()) {
    if (mapping.inode !== '0') {
      map.file += mapping.rss
      continue
    }
    map.anon += mapping.rss
    const reserve = mappings[index + 1]
    const isArena =
      mapping.name === '' &&
      mapping.perms.startsWith('rw') &&
      mapping.start % ARENA_BYTES === 0 &&
      (mapping.end - mapping.start === ARENA_BYTES ||
        (reserve !== undefined && reserve.start === mapping.end && reserve.perms.startsWith('---') && reserve.end - mapping.start === ARENA_BYTES))
    if (mapping.name === '[heap]') map.mainArena += mapping.rss
    else if (isArena) {
      map.otherArenas += mapping.rss
      map.arenaCount++
    } else map.otherAnon += mapping.rss
  }
  return map
}

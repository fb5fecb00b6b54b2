// Processes as Linux's /proc shows them: who is whose child, what each runs and how much CPU it has used.
import { readFileSync, readdirSync } from 'node:fs'

/** The fields of /proc/<pid>/stat after the command name (which is in parentheses and may hold spaces), or null. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return null
  }
}

export function descendantsOf(root: number): number[] {
  const parents = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const parent = statFields(Number(entry))?.[1]
    if (parent !== undefined) parents.set(Number(entry), Number(parent))
  }
  const found: number[] = []
  let frontier = [root]
  while (frontier.length > 0) {
    const next = [...parents].filter(([, parent]) => frontier.includes(parent)).map(([pid]) => pid)
    found.push(...next)
    frontier = next
  }
  return found
}

export const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
  } catch {
    return ''
  }
}

// USER_HZ, the unit of /proc's CPU times: 100 on every Linux build that matters (`getconf CLK_TCK`).
const TICKS_PER_SECOND = 100

/**
 * CPU seconds (user + system) used so far by a process and every process under it, children it has already reaped
 * included (proc(5): utime, stime, cutime, cstime are fields 14–17). 0 where /proc is not available.
 */
export function treeCpuSeconds(root: number): number {
  let ticks = 0
  for (const pid of [root, ...descendantsOf(root)]) {
    const fields = statFields(pid)
    if (fields) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])
  }
  return ticks / TICKS_PER_SECOND
}

/** CPU seconds of the whole machine so far, busy and idle (/proc/stat's first line, summed over cores); null without /proc. */
export function machineCpuSeconds(): { busy: number; idle: number } | null {
  try {
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? []
    const at = (i: number) => ticks[i] ?? 0
    // user nice system idle iowait irq softirq steal (guest time is already counted in user).
    return { busy: (at(0) + at(1) + at(2) + at(5) + at(6) + at(7)) / TICKS_PER_SECOND, idle: (at(3) + at(4)) / TICKS_PER_SECOND }
  } catch {
    return null
  }
}

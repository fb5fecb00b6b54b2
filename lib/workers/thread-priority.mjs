// Background threads (the worker pool's, the engine's) give way to the thread that answers requests when the cores
// are short: Linux schedules each thread on its own, and a thread's nice value can be raised for it alone by naming
// its thread id to setpriority(PRIO_PROCESS) (https://man7.org/linux/man-pages/man2/setpriority.2.html, "Linux
// notes"). At nice 10 a busy thread weighs about a tenth of a nice-0 one, so a status read waits little for a
// validation or the engine, which still get every cycle the request thread leaves. See docs/decisions/065-background-thread-priority.md.
import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'

export const BACKGROUND_NICE = 10

/** Lowers the calling thread's CPU priority; elsewhere than Linux (no /proc/thread-self) it leaves it as it is. */
export function lowerThreadPriority() {
  let threadId
  try {
    threadId = Number(readlinkSync('/proc/thread-self').split('/').at(-1))
  } catch {
    return
  }
  setPriority(threadId, BACKGROUND_NICE)
}

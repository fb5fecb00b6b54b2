import 'server-only'

/**
 * Concurrency for one upstream that backs off when the upstream says it is overloaded (429/503): the limit
 * halves at once and creeps back up by one after each full window of successes (AIMD, as TCP does).
 */
export class AdaptiveLimiter {
  private active = 0
  private successes = 0
  private readonly waiters: (() => void)[] = []
  limit: number
  /** Called when an acquire has to wait (e.g. to ask for a larger share of a limit shared between processes). */
  onWait: (() => void) | null = null

  constructor(public max: number) {
    this.limit = max
  }

  get inFlight() {
    return this.active
  }

  /** Acquires waiting for a free place. */
  get waiting() {
    return this.waiters.length
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (this.active < this.limit) {
      this.active++
      return Promise.resolve()
    }
    this.onWait?.()
    return new Promise((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', onAbort)
        this.active++
        resolve()
      }
      const onAbort = () => {
        const index = this.waiters.indexOf(wake)
        if (index >= 0) this.waiters.splice(index, 1)
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiters.push(wake)
    })
  }

  release() {
    this.active--
    this.wakeWaiters()
  }

  onSuccess() {
    if (this.limit >= this.max) return
    if (++this.successes >= this.limit) {
      this.successes = 0
      this.limit++
      this.wakeWaiters()
    }
  }

  onOverload() {
    this.successes = 0
    this.limit = Math.min(this.max, Math.max(1, Math.floor(this.limit / 2)))
  }

  /**
   * A new ceiling (the upstream's maxConcurrency, or this process's share of it: upstream-slots.ts). A limit that was
   * at the old ceiling moves to the new one; one backed off by overload stays backed off and creeps up as before.
   */
  resize(max: number) {
    const atCeiling = this.limit >= this.max
    this.max = max
    this.limit = atCeiling ? max : Math.min(Math.max(this.limit, 1), max)
    this.wakeWaiters()
  }

  private wakeWaiters() {
    while (this.active < this.limit && this.waiters.length > 0) this.waiters.shift()!()
  }
}

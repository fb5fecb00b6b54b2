import 'server-only'

export type Poller = {
  /** Runs a tick now, or once more after the running one: any number of wakes during a tick make one more tick. */
  wake(): void
  /** No further ticks; resolves when the running tick (if any) has finished. */
  stop(): Promise<void>
  readonly stopped: boolean
}

export type PollerOptions = {
  /** A tick runs at least this often without wakes. */
  intervalMs: number
  /** The work; `signal` aborts when the poller stops, so a long tick can end early. */
  tick(signal: AbortSignal): Promise<void>
  /** A tick that throws is reported here and the poller carries on. */
  onError(error: unknown): void
}

/**
 * A coalescing wake/tick loop: ticks never overlap, wakes during a tick collapse into one more tick, a timer ticks
 * when nothing wakes it. The timer is unref'd so it never holds the process open. Starts with a tick.
 */
export function startPoller(options: PollerOptions): Poller {
  const stopping = new AbortController()
  let ticking: Promise<void> | null = null
  let again = false

  function wake() {
    if (stopping.signal.aborted) return
    if (ticking) {
      again = true
      return
    }
    ticking = options
      .tick(stopping.signal)
      .catch((error: unknown) => options.onError(error))
      .finally(() => {
        ticking = null
        if (again) {
          again = false
          wake()
        }
      })
  }

  const timer = setInterval(wake, options.intervalMs)
  timer.unref()
  wake()

  return {
    wake,
    get stopped() {
      return stopping.signal.aborted
    },
    async stop() {
      clearInterval(timer)
      stopping.abort()
      // A wake queued behind the running tick does not run: `wake` checks the signal first.
      while (ticking) await ticking
    },
  }
}

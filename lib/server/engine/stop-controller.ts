import 'server-only'
import { setMaxListeners } from 'node:events'

/** Why a running batch stops early: cancelled, expired, server shutting down, lease taken over, or a failed commit. */
export type StopReason = 'cancel' | 'expire' | 'shutdown' | 'lease' | 'error'

export type StopControllerOptions = {
  /** Already stopping when the run starts (a batch picked up while cancelling). */
  initial: StopReason | null
  /** The process is shutting down: the run stops and gives its lease back. */
  shutdown: AbortSignal
  /** Looks at the batch row for a cancel or the end of its window; null when it may go on. */
  probe: () => Promise<StopReason | null>
  /** How often `probe` runs on its own. */
  watchMs: number
}

/**
 * Decides once why a batch run stops and tells everything in flight: every request and backoff listens to `signal`.
 * The first reason wins; later ones (a shutdown during a cancel) do not replace it.
 */
export class StopController {
  readonly signal: AbortSignal
  private current: StopReason | null = null
  private readonly controller = new AbortController()
  private readonly options: StopControllerOptions
  private readonly onShutdown = () => this.stop('shutdown')
  private probing = false
  private timer: NodeJS.Timeout | null

  constructor(options: StopControllerOptions) {
    this.options = options
    this.signal = this.controller.signal
    // One listener per request and backoff in flight: thousands on a busy batch.
    setMaxListeners(0, this.signal)
    if (options.initial) this.stop(options.initial)
    options.shutdown.addEventListener('abort', this.onShutdown, { once: true })
    if (options.shutdown.aborted) this.stop('shutdown')
    this.timer = setInterval(() => this.check(), options.watchMs)
  }

  get reason(): StopReason | null {
    return this.current
  }

  stop(reason: StopReason): void {
    if (this.current === null) this.current = reason
    this.controller.abort(new Error(`stopped: ${reason}`))
  }

  /** Probes now (a cancel in this process calls this instead of waiting for the timer); one probe at a time. */
  check(): void {
    if (this.probing || this.current) return
    this.probing = true
    // A failed probe is not a reason to stop: the next one asks again.
    void this.options
      .probe()
      .then((reason) => {
        if (reason) this.stop(reason)
      })
      .catch(() => {})
      .finally(() => (this.probing = false))
  }

  /** No more probes: the run is past the point where a cancel or expiry changes what it does. */
  endWatch(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** Ends the watch and stops listening for shutdown. */
  dispose(): void {
    this.endWatch()
    this.options.shutdown.removeEventListener('abort', this.onShutdown)
  }
}

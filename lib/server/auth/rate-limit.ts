import 'server-only'

/**
 * Failed logins per client in a sliding window. An attempt is counted when it starts, not when it fails, so
 * fifty requests sent at once cannot all get past the check while the first is still hashing. In memory: one
 * server process answers logins, and a restart forgetting the count costs an attacker a restart each time.
 */
export class LoginRateLimiter {
  private readonly attempts = new Map<string, number[]>()

  constructor(
    private readonly perClient: number,
    private readonly overall: number,
    private readonly windowMs: number,
  ) {}

  private recent(key: string, now: number): number[] {
    const times = (this.attempts.get(key) ?? []).filter((time) => time > now - this.windowMs)
    if (times.length) this.attempts.set(key, times)
    else this.attempts.delete(key)
    return times
  }

  /** Counts an attempt; returns the seconds to wait instead when the client (or everyone together) is over the limit. */
  take(client: string, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    for (const [key, limit] of [
      [`client:${client}`, this.perClient],
      ['all', this.overall],
    ] as const) {
      const times = this.recent(key, now)
      if (times.length >= limit) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((times[0]! + this.windowMs - now) / 1000)) }
    }
    for (const key of [`client:${client}`, 'all']) this.attempts.set(key, [...this.recent(key, now), now])
    return { ok: true }
  }

  /** A correct password clears the client's count (not the overall one: that is the brute-force ceiling). */
  succeeded(client: string) {
    this.attempts.delete(`client:${client}`)
  }
}

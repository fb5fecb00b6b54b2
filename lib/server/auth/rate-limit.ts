import 'server-only'
import { db, dbKind } from '@/lib/server/db'

export type RateLimitGate = { ok: true } | { ok: false; retryAfterSeconds: number }

// Any constant: the key of the PostgreSQL advisory lock that makes concurrent takes (from any server) one at a time.
const TAKE_LOCK_KEY = 0x6c6f67696e

/**
 * Failed logins per client in a sliding window. An attempt is counted when it starts, not when it fails, so
 * fifty requests sent at once cannot all get past the check while the first is still hashing. The attempts are
 * rows in the database: every server behind a load balancer sees the same count, and a restart forgets nothing.
 */
export class LoginRateLimiter {
  constructor(
    private readonly perClient: number,
    private readonly overall: number,
    private readonly windowMs: number,
  ) {}

  /** Counts an attempt; returns the seconds to wait instead when the client (or everyone together) is over the limit. */
  take(client: string, now = new Date()): Promise<RateLimitGate> {
    const since = new Date(now.getTime() - this.windowMs)
    const wait = (oldest: Date) => Math.max(1, Math.ceil((oldest.getTime() + this.windowMs - now.getTime()) / 1000))
    return db.$transaction(async (tx) => {
      // Count and insert as one step across servers: SQLite's transactions already take the write lock first
      // (lib/server/db/sqlite.ts); PostgreSQL's read committed would let two servers both count 4 and both insert.
      if (dbKind === 'postgresql') await tx.$executeRaw`SELECT pg_advisory_xact_lock(CAST(${TAKE_LOCK_KEY} AS BIGINT))`
      await tx.loginAttempt.deleteMany({ where: { at: { lte: since } } })
      for (const [where, limit] of [
        [{ client, at: { gt: since } }, this.perClient],
        [{ at: { gt: since } }, this.overall],
      ] as const) {
        const recent = await tx.loginAttempt.findMany({ where, select: { at: true }, orderBy: { at: 'asc' }, take: limit })
        if (recent.length >= limit) return { ok: false, retryAfterSeconds: wait(recent[0]!.at) }
      }
      await tx.loginAttempt.create({ data: { client, at: now } })
      return { ok: true }
    })
  }

  /** A correct password clears the client's count (not the overall one: that is the brute-force ceiling). */
  async succeeded(client: string): Promise<void> {
    await db.loginAttempt.updateMany({ where: { client }, data: { client: null } })
  }
}

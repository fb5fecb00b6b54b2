import 'server-only'
import { createHash } from 'node:crypto'
import { Socket } from 'node:net'
import pg from 'pg'
import { env } from '@/lib/server/env'
import { logger } from '@/lib/server/log'
import type { AdaptiveLimiter } from './limiter'

// An upstream's maxConcurrency for every engine process together (PostgreSQL; decision 051). Each upstream has
// maxConcurrency slots, 1..max, and a process may have as many requests in flight to it as slots it holds. A slot is
// a session-level advisory lock (https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS) on one
// connection of this process: exclusive, so no two processes hold the same slot and together they never hold more
// than max; and released by PostgreSQL itself when the process dies and its connection closes, so a killed worker's
// share is free at once, with no table to sweep and no lease to wait out.
//
// A process that wants an upstream also holds a shared "member" lock on it; every REBALANCE_MS it counts the members
// (pg_locks) and aims for its fair share, max / members (the remainder to the lowest backend pids). It takes free slots
// up to that share and gives back those above it as soon as its requests in flight allow. A newcomer therefore gets
// its share within a tick or two of the others noticing it. A process with nothing waiting for two ticks leaves.
//
// SQLite runs on one machine, in practice one engine process: the limiter there stays per process, as does the
// built-in simulator's (every process starts its own simulator).

const REBALANCE_MS = 500
const MEMBER_SLOT = 0
const IDLE_TICKS_BEFORE_LEAVING = 2

type Share = {
  key: number
  max: number
  limiter: AdaptiveLimiter
  held: Set<number>
  member: boolean
  idleTicks: number
  timer: NodeJS.Timeout | null
  running: Promise<void> | null
}

type Connection = { client: pg.Client; pid: number }

const globalForSlots = globalThis as unknown as { batchboardUpstreamSlots?: { shares: Map<string, Share>; connection: Promise<Connection> | null } }
const state = (globalForSlots.batchboardUpstreamSlots ??= { shares: new Map(), connection: null })

/** The advisory lock's first key for an upstream: a stable positive int4 from its id. */
const lockKey = (upstream: string) => createHash('sha256').update(`batchboard-upstream:${upstream}`).digest().readUInt32BE(0) & 0x7fffffff

function connection(): Promise<Connection> {
  state.connection ??= (async () => {
    const client = new pg.Client({
      connectionString: env.databaseUrl,
      stream: () => new Socket().unref(),
      keepAlive: true,
      application_name: 'batchboard-upstream-slots',
    })
    const lost = (error: unknown) => {
      if (state.connection === null) return
      state.connection = null
      void client.end().catch(() => {})
      // PostgreSQL released every slot with the session: stop starting requests until they are taken again.
      for (const share of state.shares.values()) {
        share.held.clear()
        share.member = false
        share.limiter.resize(0)
      }
      logger.warn({ err: error }, 'The upstream slots connection to PostgreSQL was lost; reconnecting at the next rebalance.')
    }
    client.on('error', lost)
    client.on('end', () => lost(new Error('connection ended')))
    try {
      await client.connect()
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
      return { client, pid: rows[0]!.pid }
    } catch (error) {
      lost(error)
      throw error
    }
  })()
  return state.connection
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i)

async function rebalance(share: Share): Promise<void> {
  const { client, pid } = await connection()
  const { limiter, key } = share
  const wanting = limiter.inFlight > 0 || limiter.waiting > 0
  share.idleTicks = wanting ? 0 : share.idleTicks + 1
  if (share.idleTicks >= IDLE_TICKS_BEFORE_LEAVING) {
    limiter.resize(0)
    await release(client, key, [...share.held])
    share.held.clear()
    if (share.member) await client.query('SELECT pg_advisory_unlock_shared($1, $2)', [key, MEMBER_SLOT])
    share.member = false
    stopTicking(share)
    return
  }
  if (!share.member) {
    await client.query('SELECT pg_advisory_lock_shared($1, $2)', [key, MEMBER_SLOT])
    share.member = true
  }
  const { rows } = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2 AND granted ORDER BY pid`,
    [key, MEMBER_SLOT],
  )
  const members = rows.map((row) => row.pid)
  const rank = Math.max(0, members.indexOf(pid))
  const count = Math.max(1, members.length)
  const fair = Math.floor(share.max / count) + (rank < share.max % count ? 1 : 0)

  // The limiter never allows more than the slots held (those within max: after max was lowered, higher ones are
  // only kept for requests already in flight) nor more than the share.
  const usable = () => [...share.held].filter((slot) => slot <= share.max).length
  limiter.resize(Math.min(usable(), fair))
  // Give back what is above the share, highest slots first (those beyond a lowered max among them), never below
  // what is in flight: the limit just set keeps new requests within what remains.
  const surplus = [...share.held].sort((a, b) => b - a).slice(0, Math.max(0, share.held.size - Math.max(fair, limiter.inFlight)))
  if (surplus.length > 0) {
    await release(client, key, surplus)
    for (const slot of surplus) share.held.delete(slot)
  }
  const wanted = fair - usable()
  if (wanted > 0) {
    const free = range(1, share.max).filter((slot) => !share.held.has(slot))
    const taken = await client.query<{ slot: number }>('SELECT slot FROM unnest($2::int[]) AS slot WHERE pg_try_advisory_lock($1, slot)', [key, free])
    const slots = taken.rows.map((row) => row.slot)
    // One statement tries them all; those beyond the share go straight back for the others.
    for (const slot of slots.slice(0, wanted)) share.held.add(slot)
    await release(client, key, slots.slice(wanted))
  }
  limiter.resize(Math.min(usable(), fair))
}

async function release(client: pg.Client, key: number, slots: number[]): Promise<void> {
  if (slots.length > 0) await client.query('SELECT pg_advisory_unlock($1, slot) FROM unnest($2::int[]) AS slot', [key, slots])
}

function tickSoon(share: Share) {
  if (share.running) return
  share.running = rebalance(share)
    .catch((error: unknown) => logger.warn({ err: error }, 'Rebalancing an upstream’s concurrency between processes failed; trying again shortly.'))
    .finally(() => (share.running = null))
  if (!share.timer) {
    share.timer = setInterval(() => tickSoon(share), REBALANCE_MS)
    share.timer.unref()
  }
}

function stopTicking(share: Share) {
  if (share.timer) clearInterval(share.timer)
  share.timer = null
}

/**
 * Makes `limiter` this process's share of an upstream's maxConcurrency, shared with every engine process on the
 * database. Called on each use with the upstream's current max; the first call starts the limiter at 0 until a
 * rebalance has taken slots (a few milliseconds when nobody else holds them).
 */
export function shareUpstream(upstream: string, max: number, limiter: AdaptiveLimiter): void {
  let share = state.shares.get(upstream)
  if (!share || share.limiter !== limiter) {
    share = { key: lockKey(upstream), max, limiter, held: new Set(), member: false, idleTicks: 0, timer: null, running: null }
    state.shares.set(upstream, share)
    limiter.resize(0)
    const current = share
    limiter.onWait = () => tickSoon(current)
  }
  share.max = max
  if (!share.timer) tickSoon(share)
}

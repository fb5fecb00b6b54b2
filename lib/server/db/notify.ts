import 'server-only'
import { Socket } from 'node:net'
import pg from 'pg'
import { env } from '@/lib/server/env'
import { logger } from '@/lib/server/log'
import { backoffMs } from '@/lib/server/retry'
import { Prisma } from './generated/client'
import { db, dbKind } from './index'

// Wake-ups between processes on PostgreSQL (LISTEN/NOTIFY: https://www.postgresql.org/docs/15/sql-notify.html). A
// process that changes something another process waits on (a batch created or cancelled, a job made due, a session
// deleted) publishes on a channel; every process listening on it hears it within milliseconds instead of at its next
// poll. Notifications are a hint, never the truth: whoever hears one reads the database, and every loop keeps its poll
// as the fallback, so a notification lost while a listener reconnects costs at most one poll interval. On SQLite
// (one machine, in practice one process) publishing does nothing: the callers wake their own process directly.

/** What a wake-up is about. `engine`: a builtin batch was created or cancelled (payload: its id, or empty). */
export type WakeChannel = 'engine' | 'sync' | 'jobs' | 'sessions'
const CHANNELS: readonly WakeChannel[] = ['engine', 'sync', 'jobs', 'sessions']
const channelName = (channel: WakeChannel) => `batchboard_${channel}`

/**
 * Called with the notification's payload; with '' after the listener (re)connected, when notifications may have been
 * missed, so the handler should look at everything it caches or waits on.
 */
export type WakeHandler = (payload: string) => void

type ListenerState = {
  handlers: Map<WakeChannel, Set<WakeHandler>>
  client: pg.Client | null
  listening: boolean
  failures: number
  retry: NodeJS.Timeout | null
}

// On globalThis: Next bundles route handlers and server actions apart, and each bundle would otherwise open its own
// listener; one LISTEN connection per process serves them all.
const globalForNotify = globalThis as unknown as { batchboardNotify?: ListenerState }
const state = (globalForNotify.batchboardNotify ??= { handlers: new Map(), client: null, listening: false, failures: 0, retry: null })

const RECONNECT = { baseMs: 500, maxMs: 30_000 }

/** Tells every process listening on `channel` (this one included). Never throws: a lost wake-up only waits for a poll. */
export async function publish(channel: WakeChannel, payload = ''): Promise<void> {
  if (dbKind !== 'postgresql') return
  try {
    await db.$executeRaw(Prisma.sql`SELECT pg_notify(${channelName(channel)}, ${payload})`)
  } catch (error) {
    logger.warn({ err: error, channel }, 'Sending a wake-up to the other processes failed; they will see the change at their next poll.')
  }
}

/** Runs `handler` on every wake-up on `channel` (PostgreSQL only; on SQLite nothing arrives). Returns the unsubscribe. */
export function subscribe(channel: WakeChannel, handler: WakeHandler): () => void {
  if (dbKind !== 'postgresql') return () => {}
  let handlers = state.handlers.get(channel)
  if (!handlers) state.handlers.set(channel, (handlers = new Set<WakeHandler>()))
  handlers.add(handler)
  if (!state.client && !state.retry) void connect()
  return () => void handlers.delete(handler)
}

function dispatch(channel: WakeChannel, payload: string) {
  for (const handler of state.handlers.get(channel) ?? []) {
    try {
      handler(payload)
    } catch (error) {
      logger.error({ err: error, channel }, 'A wake-up handler failed.')
    }
  }
}

async function connect(): Promise<void> {
  state.retry = null
  // The socket is unref'd: the listener alone never keeps a process (a script, a test) alive; servers and workers
  // stay up for their own reasons.
  const client = new pg.Client({
    connectionString: env.databaseUrl,
    stream: () => new Socket().unref(),
    keepAlive: true,
    application_name: 'batchboard-listen',
  })
  state.client = client
  const lost = (error?: unknown) => {
    if (state.client !== client) return
    state.client = null
    state.listening = false
    client.removeAllListeners('notification')
    void client.end().catch(() => {})
    state.failures++
    const delay = backoffMs(state.failures, RECONNECT)
    logger.warn({ err: error, retryInMs: delay }, 'The LISTEN connection to PostgreSQL was lost; reconnecting (polling covers the gap).')
    state.retry = setTimeout(() => void connect(), delay)
    state.retry.unref()
  }
  client.on('error', lost)
  client.on('end', () => lost(new Error('connection ended')))
  client.on('notification', (message) => {
    const channel = CHANNELS.find((name) => channelName(name) === message.channel)
    if (channel) dispatch(channel, message.payload ?? '')
  })
  try {
    await client.connect()
    for (const channel of CHANNELS) await client.query(`LISTEN ${channelName(channel)}`)
  } catch (error) {
    lost(error)
    return
  }
  state.failures = 0
  state.listening = true
  // What was published before LISTEN took effect (at start, or while reconnecting) never arrives: every subscriber looks again.
  for (const channel of CHANNELS) dispatch(channel, '')
}

/** Whether this process's LISTEN connection is up. */
export const isListening = () => state.listening

import 'server-only'
import { createHash, randomBytes } from 'node:crypto'
import { db } from '@/lib/server/db'
import { Prisma } from '@/lib/server/db/generated/client'
import { queryRows } from '@/lib/server/db/prepared'
import { publish, subscribe } from '@/lib/server/db/notify'

/** A login lasts a week; then the password is asked again. */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** A new session; the token goes into the cookie and nowhere else (the database keeps its sha256). */
export async function createSession(now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url')
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS)
  // Expired rows are swept here: logins are rare, and this keeps the table to the live sessions.
  await db.$transaction([db.session.deleteMany({ where: { expiresAt: { lte: now } } }), db.session.create({ data: { id: hashToken(token), expiresAt } })])
  return { token, expiresAt }
}

// Every poll of every open tab checks its session: remembering a live one for a second saves that query on the
// bursts of requests a page makes. Logging out here forgets it at once; on PostgreSQL the logout is also published
// (lib/server/db/notify.ts) and every other server forgets it at once too. A session deleted without either (the
// password reset in the README, a lost notification) stops working within SESSION_CACHE_MS.
export const SESSION_CACHE_MS = 1_000
const SESSION_CACHE_MAX = 1_000
// On globalThis: Next bundles server actions (logout) and route handlers (the polls) apart, and each bundle would
// otherwise keep its own copy, so a logout would not reach the routes' cache.
const globalForSessions = globalThis as unknown as {
  batchboardLiveSessions?: Map<string, { expiresAt: Date; checkedAt: number }>
  batchboardSessionsListening?: boolean
}
const liveSessions = (globalForSessions.batchboardLiveSessions ??= new Map())

/** Forgets a session another process deleted (payload: its id), or every cached one when notifications may have been missed. */
function listenForLogouts() {
  if (globalForSessions.batchboardSessionsListening) return
  globalForSessions.batchboardSessionsListening = true
  subscribe('sessions', (id) => (id ? liveSessions.delete(id) : liveSessions.clear()))
}

/** Whether the cookie's token belongs to a live session. */
export async function isValidSession(token: string | undefined): Promise<boolean> {
  // A real token is 43 characters; anything far off is not worth a query.
  if (!token || token.length > 200) return false
  listenForLogouts()
  const id = hashToken(token)
  const now = Date.now()
  const cached = liveSessions.get(id)
  if (cached && now - cached.checkedAt < SESSION_CACHE_MS) return cached.expiresAt.getTime() > now
  // A prepared statement rather than the client's findUnique: this runs on every request (lib/server/db/prepared.ts).
  const [session = null] = await queryRows<{ expiresAt: Date }>(Prisma.sql`SELECT s."expiresAt" FROM "Session" AS s WHERE s."id" = ${id}`)
  if (session === null) {
    liveSessions.delete(id)
    return false
  }
  if (liveSessions.size >= SESSION_CACHE_MAX) liveSessions.clear()
  liveSessions.set(id, { expiresAt: session.expiresAt, checkedAt: now })
  return session.expiresAt.getTime() > now
}

export async function deleteSession(token: string | undefined): Promise<void> {
  if (!token || token.length > 200) return
  const id = hashToken(token)
  liveSessions.delete(id)
  await db.session.deleteMany({ where: { id } })
  // The id is the token's sha256, as stored in the table: it names the session without being able to open it.
  await publish('sessions', id)
}

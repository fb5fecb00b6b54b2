import 'server-only'
import { createHash, randomBytes } from 'node:crypto'
import { db } from '@/lib/server/db'

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

/** Whether the cookie's token belongs to a live session. */
export async function isValidSession(token: string | undefined): Promise<boolean> {
  // A real token is 43 characters; anything far off is not worth a query.
  if (!token || token.length > 200) return false
  const session = await db.session.findUnique({ where: { id: hashToken(token) }, select: { expiresAt: true } })
  return session !== null && session.expiresAt > new Date()
}

export async function deleteSession(token: string | undefined): Promise<void> {
  if (token && token.length <= 200) await db.session.deleteMany({ where: { id: hashToken(token) } })
}

import 'server-only'
import { cookies, headers } from 'next/headers'
import { LOGIN_PATH, SESSION_COOKIE, SETUP_PATH } from '@/lib/auth'
import { db } from '@/lib/server/db'
import { env } from '@/lib/server/env'
import { AppError } from '@/lib/server/http/errors'
import type { LoginInput, SetupInput } from '@/lib/validations/auth'
import { hashPassword, verifyPassword } from './password'
import { LoginRateLimiter } from './rate-limit'
import { createSession, deleteSession, isValidSession, SESSION_TTL_MS } from './sessions'

const ADMIN_ID = 'admin'

const unauthenticated = () => new AppError(401, 'unauthenticated', 'You are not logged in, or your session has expired. Log in again and retry.')

/** The session cookie of a request, read from the Cookie header (route handlers get a plain Request in tests). */
function sessionToken(request: Request): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === SESSION_COOKIE) return decodeURIComponent(value.join('='))
  }
  return undefined
}

// The single place every route handler and server action asks "may this caller do this?": a live session,
// unless BATCHBOARD_AUTH=off (which the environment check allows on loopback only).
export async function authorizeRequest(request: Request): Promise<void> {
  if (!env.authEnabled) return
  if (!(await isValidSession(sessionToken(request)))) throw unauthenticated()
}

export async function authorizeAction(): Promise<void> {
  if (!env.authEnabled) return
  if (!(await isValidSession((await cookies()).get(SESSION_COOKIE)?.value))) throw unauthenticated()
}

export type PageAccess = 'auth-off' | 'setup-needed' | 'signed-out' | 'signed-in'

/** What a page request may see; the root layout redirects on anything but signed-in and auth-off. */
export async function getPageAccess(): Promise<PageAccess> {
  if (!env.authEnabled) return 'auth-off'
  if (await isValidSession((await cookies()).get(SESSION_COOKIE)?.value)) return 'signed-in'
  return (await hasAdminPassword()) ? 'signed-out' : 'setup-needed'
}

/**
 * For a page that reads data on the server: Next renders a page alongside its layout, so the layout's check
 * alone does not keep the page's own reads from running. Redirects to the login page without a session.
 */
export async function requirePageSession(): Promise<void> {
  const access = await getPageAccess()
  if (access !== 'setup-needed' && access !== 'signed-out') return
  // Imported here, not at the top: every route handler and action imports this module, and next/navigation
  // outside Next's own bundling (the benches, `npm run worker`) pulls in client React and fails to load.
  const { redirect } = await import('next/navigation')
  redirect(access === 'setup-needed' ? SETUP_PATH : LOGIN_PATH)
}

export async function hasAdminPassword(): Promise<boolean> {
  return (await db.adminAccount.count({ where: { id: ADMIN_ID } })) > 0
}

/**
 * The client a login attempt is counted against: the right-most X-Forwarded-For hop, which is the address the
 * nearest proxy saw (Next fills the header from the socket when nothing is in front of it). A client talking
 * to Next directly can forge it; the overall limit is the ceiling for that case.
 */
async function clientAddress(): Promise<string> {
  const forwarded = (await headers()).get('x-forwarded-for') ?? ''
  return forwarded.split(',').at(-1)?.trim() || 'unknown'
}

async function startSession(): Promise<void> {
  const { token } = await createSession()
  const secure = (await headers()).get('x-forwarded-proto') === 'https'
  ;(await cookies()).set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_TTL_MS / 1000 })
}

/** First run: sets the admin password (once) and logs this browser in. */
export async function setupAdmin(input: SetupInput): Promise<void> {
  if (!env.authEnabled) throw new AppError(409, 'auth_off', 'Authentication is off (BATCHBOARD_AUTH=off), so there is no password to set.')
  const passwordHash = await hashPassword(input.password)
  // The insert is the check: two browsers racing through setup cannot both set a password.
  try {
    await db.adminAccount.create({ data: { id: ADMIN_ID, passwordHash } })
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'P2002') throw error
    throw new AppError(409, 'already_set_up', 'The admin password is already set. Log in with it instead.')
  }
  await startSession()
}

// 5 tries a minute per client; 60 a minute over all clients caps guessing from many (or forged) addresses. Counted in
// the database, so they hold across servers.
const limiter = new LoginRateLimiter(5, 60, 60_000)

export async function login(input: LoginInput): Promise<void> {
  if (!env.authEnabled) return
  const client = await clientAddress()
  const gate = await limiter.take(client)
  if (!gate.ok) {
    throw new AppError(429, 'rate_limited', `Too many login attempts. Try again in ${gate.retryAfterSeconds} s.`, { param: 'password' })
  }
  const admin = await db.adminAccount.findUnique({ where: { id: ADMIN_ID } })
  if (!admin) throw new AppError(409, 'setup_needed', 'No admin password is set yet. Open the setup page to create one.')
  if (!(await verifyPassword(input.password, admin.passwordHash))) {
    throw new AppError(401, 'wrong_password', 'That password is not right. Check it and try again.', { param: 'password' })
  }
  await limiter.succeeded(client)
  await startSession()
}

export async function logout(): Promise<void> {
  const store = await cookies()
  await deleteSession(store.get(SESSION_COOKIE)?.value)
  store.delete(SESSION_COOKIE)
}

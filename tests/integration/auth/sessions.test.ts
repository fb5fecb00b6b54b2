import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { createRequestScope } from '@/tests/support/next-request-scope'

// Auth on (the other integration tests run with it off), before the env module is loaded.
vi.hoisted(() => {
  process.env.BATCHBOARD_AUTH = 'on'
})
const scope = vi.hoisted(() => ({ current: null as ReturnType<typeof createRequestScope> | null }))
vi.mock('next/headers', async () => {
  const { createRequestScope: create } = await import('@/tests/support/next-request-scope')
  scope.current = create()
  return scope.current.module
})

const { GET: getBatches } = await import('@/app/api/batches/route')
const { GET: getHealth } = await import('@/app/api/health/route')
const { logIn, logOut, setUpAdmin } = await import('@/lib/actions/auth')
const { createApiKey } = await import('@/lib/actions/api-keys')
const { db } = await import('@/lib/server/db')
const { callRoute } = await import('@/tests/support/routes')

const PASSWORD = 'integration correct horse battery'
const request = () => scope.current!

beforeEach(() => request().reset())

describe('first-run setup', () => {
  it('refuses a short password and writes nothing', async () => {
    const result = await setUpAdmin({ password: 'short', confirm: 'short' })
    expect(result).toEqual({ ok: false, error: { code: 'invalid_request', param: 'password', message: expect.stringContaining('at least 12 characters') } })
    expect(await db.adminAccount.count()).toBe(0)
  })

  it('stores only a scrypt hash, logs the browser in with a hashed-token cookie, and works once', async () => {
    expect(await setUpAdmin({ password: PASSWORD, confirm: PASSWORD })).toEqual({ ok: true, data: undefined })
    const admin = await db.adminAccount.findUniqueOrThrow({ where: { id: 'admin' } })
    expect(admin.passwordHash).toMatch(/^scrypt\$32768\$8\$3\$/)
    expect(admin.passwordHash).not.toContain(PASSWORD)

    const token = request().jar.get('batchboard_session')!
    expect(token).toMatch(/^[\w-]{43}$/)
    expect(request().cookieStore.set).toHaveBeenCalledWith(
      'batchboard_session',
      token,
      expect.objectContaining({ httpOnly: true, sameSite: 'lax', secure: false, path: '/' }),
    )
    const sessions = await db.session.findMany()
    expect(sessions).toHaveLength(1)
    expect(sessions[0]!.id).not.toContain(token)

    request().reset()
    expect(await setUpAdmin({ password: 'someone else entirely', confirm: 'someone else entirely' })).toMatchObject({
      ok: false,
      error: { code: 'already_set_up' },
    })
    expect((await db.adminAccount.findUniqueOrThrow({ where: { id: 'admin' } })).passwordHash).toBe(admin.passwordHash)
    expect(request().jar.size).toBe(0)
  })
})

describe('sessions guard routes and actions', () => {
  it('answers 401 in the one error shape without a session, and 200 with one', async () => {
    expect(await callRoute(getBatches, '/api/batches')).toEqual({
      status: 401,
      body: { error: { code: 'unauthenticated', message: expect.stringContaining('Log in') } },
    })
    // Authorisation comes before parsing: a caller without a session learns nothing about valid input.
    expect((await callRoute(getBatches, '/api/batches?limit=abc')).status).toBe(401)
    expect((await callRoute(getHealth, '/api/health')).status).toBe(200)

    expect(await logIn({ password: PASSWORD })).toEqual({ ok: true, data: undefined })
    const cookie = request().cookieHeader()
    expect((await callRoute(getBatches, '/api/batches', undefined, { headers: { cookie } })).status).toBe(200)
  })

  it('refuses an action without a session, writing nothing', async () => {
    const before = await db.apiKey.count()
    expect(await createApiKey({ name: 'sneaky' })).toEqual({ ok: false, error: { code: 'unauthenticated', message: expect.any(String) } })
    request().jar.set('batchboard_session', 'forged-token-of-the-right-length-1234567890')
    expect(await createApiKey({ name: 'sneaky' })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    expect(await db.apiKey.count()).toBe(before)

    await logIn({ password: PASSWORD })
    expect(await createApiKey({ name: 'allowed' })).toMatchObject({ ok: true })
  })

  it('marks the cookie Secure behind HTTPS', async () => {
    request().headers.set('x-forwarded-proto', 'https')
    await logIn({ password: PASSWORD })
    expect(request().cookieStore.set).toHaveBeenCalledWith('batchboard_session', expect.any(String), expect.objectContaining({ secure: true }))
  })

  it('stops accepting an expired session', async () => {
    await logIn({ password: PASSWORD })
    const cookie = request().cookieHeader()
    await db.session.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } })
    expect((await callRoute(getBatches, '/api/batches', undefined, { headers: { cookie } })).status).toBe(401)
  })

  it('logout deletes the session, so the old cookie no longer works', async () => {
    await logIn({ password: PASSWORD })
    const cookie = request().cookieHeader()
    const sessions = await db.session.count()
    expect(await logOut({})).toEqual({ ok: true, data: undefined })
    expect(request().jar.has('batchboard_session')).toBe(false)
    expect(await db.session.count()).toBe(sessions - 1)
    expect((await callRoute(getBatches, '/api/batches', undefined, { headers: { cookie } })).status).toBe(401)
  })
})

describe('login rate limit', () => {
  it('allows 5 attempts a minute per client, then says how long to wait, even for the right password', async () => {
    request().headers.set('x-forwarded-for', '198.51.100.1, 10.0.0.2')
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(await logIn({ password: `wrong password ${attempt}` })).toEqual({
        ok: false,
        error: { code: 'wrong_password', param: 'password', message: 'That password is not right. Check it and try again.' },
      })
    }
    const limited = await logIn({ password: PASSWORD })
    expect(limited).toEqual({
      ok: false,
      error: { code: 'rate_limited', param: 'password', message: expect.stringMatching(/^Too many login attempts\. Try again in \d+ s\.$/) },
    })
    const seconds = Number(/in (\d+) s/.exec(limited.ok ? '' : limited.error.message)![1])
    expect(seconds).toBeGreaterThanOrEqual(1)
    expect(seconds).toBeLessThanOrEqual(60)
    expect(request().jar.size).toBe(0)
    // The limit is per client: the nearest proxy's hop (the right-most one) names it.
    request().headers.set('x-forwarded-for', '198.51.100.1, 10.0.0.3')
    expect(await logIn({ password: PASSWORD })).toEqual({ ok: true, data: undefined })
  })
})

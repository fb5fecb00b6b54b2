import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SESSION_COOKIE } from '@/lib/auth'
import { createApiKey, revokeApiKey } from '@/lib/server/api-keys'
import { LoginRateLimiter } from '@/lib/server/auth/rate-limit'
import { createSession, deleteSession, SESSION_CACHE_MS } from '@/lib/server/auth/sessions'
import { db, dbKind } from '@/lib/server/db'
import { exited, startAppServer } from '@/tests/support/worker'

// Two server processes on this test file's database, with authentication on (the suite runs with it off). The test
// process plays a third server: what it writes (a logout, a revoked key) is what that server's action would write.
const servers: (ChildProcess & { origin: string })[] = []

beforeAll(async () => {
  const env = { BATCHBOARD_AUTH: 'on', BATCHBOARD_ENGINE: 'off', LOG_LEVEL: 'warn' }
  servers.push(...(await Promise.all([startAppServer(env), startAppServer(env)])))
}, 120_000)

afterAll(async () => {
  for (const server of servers) server.kill('SIGKILL')
  await Promise.all(servers.map(exited))
})

const statusOn = async (origin: string, path: string, headers: Record<string, string>) => (await fetch(`${origin}${path}`, { headers })).status

/** What every server answers to one GET. */
const allAnswer = (path: string, headers: Record<string, string>) => Promise.all(servers.map((server) => statusOn(server.origin, path, headers)))

describe(`several servers on one database (${dbKind})`, () => {
  it('a session works on every server, and a logout on one is refused by all after SESSION_CACHE_MS', { timeout: 60_000 }, async () => {
    const { token } = await createSession()
    const cookie = { cookie: `${SESSION_COOKIE}=${token}` }
    expect(await allAnswer('/api/batches', {})).toEqual([401, 401])
    expect(await allAnswer('/api/batches', cookie)).toEqual([200, 200])
    // Both servers now remember the session as live; the logout is written elsewhere. One cache period later, every
    // server has asked the database again: the bound the README states.
    await deleteSession(token)
    await new Promise((resolve) => setTimeout(resolve, SESSION_CACHE_MS))
    expect(await allAnswer('/api/batches', cookie)).toEqual([401, 401])
  })

  it('an API key revoked on one server is refused by the others at once (no cache)', { timeout: 60_000 }, async () => {
    const { id, key } = await createApiKey({ name: 'several servers' })
    const bearer = { authorization: `Bearer ${key}` }
    expect(await allAnswer('/v1/batches', bearer)).toEqual([200, 200])
    await revokeApiKey(id)
    expect(await allAnswer('/v1/batches', bearer)).toEqual([401, 401])
  })

  it('login attempts are counted in the database: two servers together allow the per-client limit once, even racing', async () => {
    const limits = [5, 60, 60_000] as const
    const [serverA, serverB] = [new LoginRateLimiter(...limits), new LoginRateLimiter(...limits)]
    const client = '198.51.100.7'
    const gates = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? serverA : serverB).take(client)))
    expect(gates.filter((gate) => gate.ok)).toHaveLength(5)
    expect(gates.filter((gate) => !gate.ok)).toEqual(Array.from({ length: 7 }, () => ({ ok: false, retryAfterSeconds: expect.any(Number) })))
    // A correct password on server B clears the client's count for server A too.
    await serverB.succeeded(client)
    expect(await serverA.take(client)).toEqual({ ok: true })
  })

  it('the limiter counts per client and overall in a sliding window', async () => {
    await db.loginAttempt.deleteMany()
    const limiter = new LoginRateLimiter(2, 3, 60_000)
    const at = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms)
    expect(await limiter.take('a', at(0))).toEqual({ ok: true })
    expect(await limiter.take('a', at(10_000))).toEqual({ ok: true })
    expect(await limiter.take('a', at(20_000))).toEqual({ ok: false, retryAfterSeconds: 40 })
    expect(await limiter.take('b', at(20_000))).toEqual({ ok: true })
    // Three attempts in the window overall: a new client is refused too.
    expect(await limiter.take('c', at(30_000))).toEqual({ ok: false, retryAfterSeconds: 30 })
    // The first attempt has left the window.
    expect(await limiter.take('c', at(60_001))).toEqual({ ok: true })
    await limiter.succeeded('a')
    expect(await limiter.take('a', at(70_001))).toEqual({ ok: true })
  })
})

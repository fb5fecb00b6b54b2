import { describe, expect, it } from 'vitest'
import { safeNextPath } from '@/lib/auth'
import { EnvError, isLoopbackHost, loadEnv } from '@/lib/config/env'
import { hashPassword, verifyPassword } from '@/lib/server/auth/password'

describe('BATCHBOARD_AUTH', () => {
  it('is on by default', () => {
    expect(loadEnv({}).authEnabled).toBe(true)
  })

  it('may be off on loopback only, and the refusal says what to do', () => {
    expect(loadEnv({ BATCHBOARD_AUTH: 'off' }).authEnabled).toBe(false)
    expect(loadEnv({ BATCHBOARD_AUTH: 'off', HOSTNAME: '::1' }).authEnabled).toBe(false)
    let error: unknown
    try {
      loadEnv({ BATCHBOARD_AUTH: 'off', HOSTNAME: '0.0.0.0', PORT: 'eighty' })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(EnvError)
    // Reported with the other bad variables, not after them.
    expect((error as EnvError).problems).toEqual([
      expect.stringMatching(/^PORT:/),
      expect.stringContaining('BATCHBOARD_AUTH: off is allowed only when HOSTNAME is a loopback address'),
    ])
    expect((error as EnvError).problems[1]).toContain('Remove BATCHBOARD_AUTH=off')
  })

  it('knows which hosts are loopback', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(host), host).toBe(true)
    for (const host of ['0.0.0.0', '::', '192.168.1.5', '127.0.0.1.evil.example', 'localhost.example']) expect(isLoopbackHost(host), host).toBe(false)
  })
})

describe('safeNextPath', () => {
  it('keeps paths on this site and drops anything else', () => {
    expect(safeNextPath('/files?purpose=batch')).toBe('/files?purpose=batch')
    for (const next of [undefined, '', 'https://evil.example', '//evil.example/x', '/\\evil.example', '/login', '/setup?x=1'])
      expect(safeNextPath(next), String(next)).toBe('/')
  })
})

describe('password hashing', () => {
  it('verifies the same password and nothing else, with a fresh salt each time', async () => {
    const first = await hashPassword('correct horse battery')
    const second = await hashPassword('correct horse battery')
    expect(first).not.toBe(second)
    expect(await verifyPassword('correct horse battery', first)).toBe(true)
    expect(await verifyPassword('correct horse batterY', first)).toBe(false)
    expect(await verifyPassword('correct horse battery', 'not-a-hash')).toBe(false)
  })
})

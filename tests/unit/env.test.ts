import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EnvError, loadEnv } from '@/lib/config/env'

describe('loadEnv', () => {
  it('serves on embedded defaults with nothing set', () => {
    const env = loadEnv({})
    expect(env.dataDir).toBe(path.resolve('data'))
    expect(env.databasePath).toBe(path.resolve('data/batchboard.db'))
    expect(env.databaseUrl).toBe(`file:${path.resolve('data/batchboard.db')}`)
    expect(env.port).toBe(3000)
    expect(env.hostname).toBe('127.0.0.1')
  })

  it('puts the database inside DATA_DIR unless DATABASE_URL says otherwise', () => {
    expect(loadEnv({ DATA_DIR: '/srv/bb' }).databasePath).toBe('/srv/bb/batchboard.db')
    expect(loadEnv({ DATA_DIR: '/srv/bb', DATABASE_URL: 'file:/var/db/x.db' }).databasePath).toBe('/var/db/x.db')
  })

  it('treats an empty variable as unset', () => {
    expect(loadEnv({ PORT: '', DATA_DIR: '' }).port).toBe(3000)
  })

  it('lists every bad variable at once', () => {
    let error: unknown
    try {
      loadEnv({ PORT: 'eighty', DATABASE_URL: 'postgres://x', LOG_LEVEL: 'loud' })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(EnvError)
    const problems = (error as EnvError).problems
    expect(problems).toHaveLength(3)
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT'])
    expect((error as EnvError).message).toContain('.env.example')
  })
})

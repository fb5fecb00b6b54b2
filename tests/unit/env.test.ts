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
      loadEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(EnvError)
    const problems = (error as EnvError).problems
    expect(problems).toHaveLength(3)
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT'])
    expect((error as EnvError).message).toContain('.env.example')
  })

  it('takes a postgresql:// DATABASE_URL and never shows its password', () => {
    const env = loadEnv({ DATABASE_URL: 'postgresql://batchboard:s3cret-pw@db.example.com:5432/batchboard?sslmode=require' })
    expect(env).toMatchObject({ databaseKind: 'postgresql', databasePath: null, databaseLabel: 'postgresql://db.example.com:5432/batchboard' })
    expect(loadEnv({ DATA_DIR: '/tmp/bb' })).toMatchObject({
      databaseKind: 'sqlite',
      databasePath: '/tmp/bb/batchboard.db',
      databaseLabel: '/tmp/bb/batchboard.db',
    })
    let error: unknown
    try {
      loadEnv({ DATABASE_URL: 'mysql://batchboard:s3cret-pw@db' })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(EnvError)
    expect((error as EnvError).message).toContain('postgresql://user:password@host:5432/batchboard')
    expect((error as EnvError).message).not.toContain('s3cret-pw')
  })
})

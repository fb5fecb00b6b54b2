import { beforeAll, describe, expect, it } from 'vitest'
import { GET as getBatches } from '@/app/api/batches/route'
import { GET as getConnections } from '@/app/api/connections/route'
import { GET as getFiles } from '@/app/api/files/route'
import { GET as getHealth } from '@/app/api/health/route'
import { startSync } from '@/lib/server/connections/sync'
import { db } from '@/lib/server/db'
import { callRoute } from '@/tests/support/routes'
import { testDatabaseKind } from '@/tests/support/test-database'

describe('GET /api/health', () => {
  it('reports a reachable database, its kind, and that this process runs neither the engine nor the sync', async () => {
    expect(await callRoute(getHealth, '/api/health')).toEqual({
      status: 200,
      body: { status: 'ok', database: 'ok', databaseKind: testDatabaseKind(), engine: false, sync: false, version: expect.any(String) },
    })
  })

  it('says so once this process runs the sync', async () => {
    const sync = startSync({ pollMs: 60_000 })
    try {
      expect(await callRoute(getHealth, '/api/health')).toMatchObject({ status: 200, body: { sync: true, engine: false } })
    } finally {
      await sync.stop()
    }
    expect(await callRoute(getHealth, '/api/health')).toMatchObject({ status: 200, body: { sync: false } })
  })
})

describe('GET /api/connections', () => {
  it('always lists the built-in engine first', async () => {
    await db.connection.create({
      data: { id: 'conn_a', kind: 'openai', name: 'A OpenAI', baseUrl: 'https://api.openai.com/v1', apiKeyEncrypted: 'ciphertext', apiKeyHint: 'wxyz' },
    })
    const { status, body } = await callRoute(getConnections, '/api/connections')
    expect(status).toBe(200)
    expect(body).toEqual([
      expect.objectContaining({ id: 'builtin', kind: 'builtin', name: 'Built-in engine' }),
      expect.objectContaining({ id: 'conn_a', kind: 'openai', apiKeyHint: 'wxyz' }),
    ])
    expect(JSON.stringify(body)).not.toContain('ciphertext')
  })
})

describe('GET /api/batches', () => {
  beforeAll(async () => {
    for (const [index, status] of (['completed', 'in_progress', 'completed', 'failed', 'cancelled'] as const).entries()) {
      await db.batch.create({
        data: {
          id: `batch_${index}`,
          connectionId: 'builtin',
          endpoint: '/v1/chat/completions',
          status,
          requestCountTotal: 9,
          requestCountFailed: status === 'completed' ? 9 : 0,
          createdAt: new Date(Date.UTC(2026, 10, 1 + index)),
          usageTotalTokens: 3_000_000_000n,
        },
      })
    }
  })

  it('lists newest first, with request counts', async () => {
    const { status, body } = await callRoute(getBatches, '/api/batches')
    expect(status).toBe(200)
    const page = body as { data: { id: string; requestCounts: unknown; connectionName: string }[]; total: number; nextCursor: null }
    expect(page.data.map((batch) => batch.id)).toEqual(['batch_4', 'batch_3', 'batch_2', 'batch_1', 'batch_0'])
    expect(page.data[2]).toMatchObject({ connectionName: 'Built-in engine', requestCounts: { total: 9, completed: 0, failed: 9 } })
    expect(page.total).toBe(5)
    expect(page.nextCursor).toBeNull()
  })

  it('filters by status and pages with a cursor', async () => {
    const first = await callRoute(getBatches, '/api/batches?status=completed&limit=1')
    expect(first.body).toMatchObject({ data: [{ id: 'batch_2' }], total: 2, nextCursor: expect.any(String) })
    const cursor = (first.body as { nextCursor: string }).nextCursor
    const second = await callRoute(getBatches, `/api/batches?status=completed&limit=1&cursor=${cursor}`)
    expect(second.body).toMatchObject({ data: [{ id: 'batch_0' }], nextCursor: null, total: null })
  })

  it('rejects a bad query with the one error shape, naming the parameter', async () => {
    expect(await callRoute(getBatches, '/api/batches?status=done')).toEqual({
      status: 400,
      body: { error: { code: 'invalid_request', message: expect.stringContaining("'status'"), param: 'status' } },
    })
    expect((await callRoute(getBatches, '/api/batches?limit=0')).status).toBe(400)
  })
})

describe('GET /api/files', () => {
  it('returns an empty page on a new install', async () => {
    expect(await callRoute(getFiles, '/api/files')).toEqual({ status: 200, body: { data: [], nextCursor: null, total: 0 } })
  })
})

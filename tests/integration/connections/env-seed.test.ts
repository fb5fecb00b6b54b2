import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.hoisted(() => {
  // Read when lib/server/env is first imported.
  process.env.OPENAI_API_KEY = 'sk-env-planted-openai-key-77aa'
  process.env.OPENAI_BASE_URL = 'https://proxy.example.test/v1'
  process.env.OPENAI_ORG_ID = 'org-env'
  process.env.OPENAI_PROJECT_ID = 'proj_env'
})

import { GET as getConnections } from '@/app/api/connections/route'
import { deleteConnection, saveConnection } from '@/lib/actions/connections'
import { seedConnectionsFromEnv } from '@/lib/server/connections'
import { decryptSecret } from '@/lib/server/crypto'
import { db } from '@/lib/server/db'
import { env } from '@/lib/server/env'
import type { ConnectionSummary } from '@/lib/types'
import { callRoute } from '@/tests/support/routes'

const KEY = 'sk-env-planted-openai-key-77aa'
const logged: unknown[][] = []

beforeEach(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args))
  }
})

afterEach(() => {
  vi.restoreAllMocks()
})

describe('OPENAI_API_KEY', () => {
  it('creates one read-only "OpenAI" connection, rewritten on every start', async () => {
    await seedConnectionsFromEnv()
    await seedConnectionsFromEnv()
    const { body } = await callRoute(getConnections, '/api/connections')
    const remote = (body as ConnectionSummary[]).filter((c) => c.kind === 'openai')
    expect(remote).toEqual([
      {
        id: expect.any(String),
        kind: 'openai',
        name: 'OpenAI',
        baseUrl: 'https://proxy.example.test/v1',
        apiKeyHint: '77aa',
        organization: 'org-env',
        project: 'proj_env',
        source: 'env',
        batchCount: 0,
        webhookSecretSet: false,
        maxRequestsPerBatch: null,
        maxBytesPerBatch: null,
        enqueuedTokenLimits: null,
        defaultMaxTokens: null,
      },
    ])
    expect(JSON.stringify(body)).not.toContain(KEY)
    const row = await db.connection.findUniqueOrThrow({ where: { id: remote[0]!.id } })
    expect(row.apiKeyEncrypted).not.toContain(KEY)
    expect(decryptSecret(row.apiKeyEncrypted!)).toBe(KEY)

    const edit = await saveConnection({ id: row.id, name: 'Mine now' })
    expect(edit).toMatchObject({ ok: false, error: { code: 'read_only', message: expect.stringContaining('OPENAI_API_KEY') } })
    expect(await deleteConnection({ id: row.id })).toMatchObject({ ok: false, error: { code: 'read_only' } })
    expect(JSON.stringify([edit, logged])).not.toContain(KEY)
  })

  it('leaves a connection made in the app called "OpenAI" alone', async () => {
    await db.connection.deleteMany({ where: { source: 'env' } })
    const mine = await saveConnection({ name: 'OpenAI', apiKey: 'sk-mine-1111' })
    await seedConnectionsFromEnv()
    const rows = await db.connection.findMany({ where: { kind: 'openai' }, orderBy: { createdAt: 'asc' } })
    expect(rows.map((row) => [row.name, row.source, row.apiKeyHint])).toEqual([
      ['OpenAI', 'user', '1111'],
      ['OpenAI (environment)', 'env', '77aa'],
    ])
    if (mine.ok) await deleteConnection({ id: mine.data.id })
  })

  it('goes away when the variable does, unless batches ran on it', async () => {
    const saved = env.openai
    try {
      env.openai = null
      await seedConnectionsFromEnv()
      expect(await db.connection.count({ where: { source: 'env' } })).toBe(0)

      env.openai = saved
      await seedConnectionsFromEnv()
      const row = await db.connection.findFirstOrThrow({ where: { source: 'env' } })
      await db.batch.create({
        data: { id: 'batch_env_1', connectionId: row.id, endpoint: '/v1/chat/completions', status: 'completed', completionWindow: '24h' },
      })
      env.openai = null
      await seedConnectionsFromEnv()
      expect(await db.connection.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ source: 'user', apiKeyHint: '77aa' })
    } finally {
      env.openai = saved
    }
    expect(JSON.stringify(logged)).not.toContain(KEY)
  })
})

import { readFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

vi.hoisted(() => {
  // The /v1 API's own key (what a connection to this Batchboard uses), and an OPENAI_* environment that a connection
  // made in the app must never pick up. Read when lib/server/env is first imported.
  process.env.BATCHBOARD_API_KEY = 'bb-test-env-key-5d1e'
  process.env.OPENAI_ORG_ID = 'org-from-environment'
  process.env.OPENAI_PROJECT_ID = 'proj-from-environment'
})

import { GET as getConnections } from '@/app/api/connections/route'
import { deleteConnection, saveConnection, testConnection } from '@/lib/actions/connections'
import { getConnection, getRemoteConnection } from '@/lib/server/connections'
import { decryptSecret } from '@/lib/server/crypto'
import { db } from '@/lib/server/db'
import { env } from '@/lib/server/env'
import type { ConnectionSummary } from '@/lib/types'
import { callRoute } from '@/tests/support/routes'
import { startV1Server } from '@/tests/support/v1-server'

const KEY = 'sk-planted-connection-key-93c1f0'
const V1_KEY = 'bb-test-env-key-5d1e'

type Seen = { authorization: string | undefined; organization: string | undefined; project: string | undefined; url: string }

/** Answers GET /v1/batches with an empty page, remembering the headers it got. */
async function startHeaderStub() {
  const seen: Seen[] = []
  const server = http.createServer((req, res) => {
    seen.push({
      url: req.url ?? '',
      authorization: req.headers.authorization,
      organization: req.headers['openai-organization'] as string | undefined,
      project: req.headers['openai-project'] as string | undefined,
    })
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [], first_id: null, last_id: null, has_more: false }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    seen,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

let v1: Awaited<ReturnType<typeof startV1Server>>
let stub: Awaited<ReturnType<typeof startHeaderStub>>
/** Every answer the browser could receive in this file: none may hold the key. */
const answers: unknown[] = []
const keep = <T>(value: T): T => {
  answers.push(value)
  return value
}

beforeAll(async () => {
  v1 = await startV1Server()
  stub = await startHeaderStub()
})

afterAll(async () => {
  await stub.close()
  await v1.close()
})

async function saved(input: Parameters<typeof saveConnection>[0]): Promise<ConnectionSummary> {
  const result = keep(await saveConnection(input))
  if (!result.ok) expect.fail(`save failed: ${result.error.message}`)
  return result.data
}

const list = async () => keep(await callRoute(getConnections, '/api/connections')).body as ConnectionSummary[]

describe('saving a connection', () => {
  it('names the field that is wrong', async () => {
    expect(keep(await saveConnection({ name: '  ', apiKey: KEY }))).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', param: 'name', message: expect.stringContaining('give the connection a name') },
    })
    expect(keep(await saveConnection({ name: 'x', baseUrl: 'ftp://example.test' }))).toMatchObject({
      ok: false,
      error: { param: 'baseUrl', message: expect.stringContaining('http:// or https://') },
    })
    expect(keep(await saveConnection({ name: 'x', apiKey: 'sk-two words' }))).toMatchObject({ ok: false, error: { param: 'apiKey' } })
    expect(keep(await saveConnection({ name: 'x', project: 'p'.repeat(201) }))).toMatchObject({ ok: false, error: { param: 'project' } })
    expect(keep(await saveConnection({ id: 'conn_nope', name: 'x' }))).toMatchObject({ ok: false, error: { code: 'not_found', param: 'id' } })
    expect(await db.connection.count({ where: { kind: 'openai' } })).toBe(0)
  })

  it('stores the key encrypted, shows only its last 4 characters, and defaults the base URL to OpenAI', async () => {
    const connection = await saved({ name: 'OpenAI prod', apiKey: KEY, organization: 'org-123', project: ' proj_456 ' })
    expect(connection).toMatchObject({
      kind: 'openai',
      name: 'OpenAI prod',
      baseUrl: 'https://api.openai.com/v1',
      apiKeyHint: 'c1f0',
      organization: 'org-123',
      project: 'proj_456',
      source: 'user',
      batchCount: 0,
    })

    const [row] = await db.$queryRaw<
      { apiKeyEncrypted: string; apiKeyHint: string }[]
    >`SELECT "apiKeyEncrypted", "apiKeyHint" FROM "Connection" WHERE "id" = ${connection.id}`
    expect(row!.apiKeyEncrypted).toMatch(/^v1\./)
    expect(row!.apiKeyEncrypted).not.toContain(KEY)
    expect(decryptSecret(row!.apiKeyEncrypted)).toBe(KEY)
    for (const file of ['batchboard.db', 'batchboard.db-wal']) {
      const bytes = (() => {
        try {
          return readFileSync(path.join(env.dataDir, file))
        } catch {
          return Buffer.alloc(0)
        }
      })()
      expect(bytes.includes(KEY)).toBe(false)
    }

    expect(keep(await saveConnection({ name: 'OpenAI prod', apiKey: 'sk-other' }))).toMatchObject({ ok: false, error: { code: 'name_taken', param: 'name' } })
  })

  it('keeps the key when edited with an empty one, and removes it only when asked', async () => {
    const connection = await saved({ name: 'Groq', baseUrl: 'https://api.groq.com/openai/v1/', apiKey: KEY })
    expect(connection.baseUrl).toBe('https://api.groq.com/openai/v1')
    const renamed = await saved({ id: connection.id, name: 'Groq batch', baseUrl: connection.baseUrl!, apiKey: '', organization: '', project: '' })
    expect(renamed).toMatchObject({ name: 'Groq batch', apiKeyHint: 'c1f0', organization: null })
    expect(decryptSecret((await db.connection.findUniqueOrThrow({ where: { id: connection.id } })).apiKeyEncrypted!)).toBe(KEY)
    const keyless = await saved({ id: connection.id, name: 'Groq batch', apiKey: null })
    expect(keyless.apiKeyHint).toBeNull()
    expect(await db.connection.findUniqueOrThrow({ where: { id: connection.id } })).toMatchObject({ apiKeyEncrypted: null, apiKeyHint: null })
  })

  it('refuses to edit or delete the built-in engine', async () => {
    expect(keep(await saveConnection({ id: 'builtin', name: 'Mine' }))).toMatchObject({ ok: false, error: { code: 'builtin_connection' } })
    expect(keep(await deleteConnection({ id: 'builtin' }))).toMatchObject({ ok: false, error: { code: 'builtin_connection' } })
    expect((await list())[0]).toMatchObject({ id: 'builtin', name: 'Built-in engine' })
  })

  it('deletes a connection, but not one with batch records', async () => {
    const connection = await saved({ name: 'Short-lived', apiKey: KEY })
    await db.batch.create({
      data: { id: 'batch_remote_1', connectionId: connection.id, endpoint: '/v1/chat/completions', status: 'completed', completionWindow: '24h' },
    })
    expect(keep(await deleteConnection({ id: connection.id }))).toMatchObject({
      ok: false,
      error: { code: 'has_batches', message: expect.stringContaining('1 batch') },
    })
    await db.batch.delete({ where: { id: 'batch_remote_1' } })
    expect(keep(await deleteConnection({ id: connection.id }))).toEqual({ ok: true, data: { id: connection.id } })
    expect((await list()).map((c) => c.name)).not.toContain('Short-lived')
  })
})

describe('Test connection', () => {
  it('lists batches through the openai SDK and reports the latency', async () => {
    const connection = await saved({ name: 'This Batchboard', baseUrl: v1.baseURL, apiKey: V1_KEY })
    const result = keep(await testConnection({ id: connection.id }))
    expect(result).toEqual({ ok: true, data: { ok: true, latencyMs: expect.any(Number), batchesSeen: 0, hasMore: false } })
  })

  it('reports the provider’s exact 401 message, without the key', async () => {
    const wrongKey = 'sk-wrong-key-000000000abcd'
    const connection = await saved({ name: 'Wrong key', baseUrl: v1.baseURL, apiKey: wrongKey })
    const result = keep(await testConnection({ id: connection.id }))
    expect(result).toEqual({
      ok: true,
      data: {
        ok: false,
        latencyMs: expect.any(Number),
        status: 401,
        message: "401: Incorrect API key provided: sk-*******************abcd. Check the key, or create a new one in Batchboard's settings.",
      },
    })
    expect(JSON.stringify(result)).not.toContain(wrongKey)
  })

  it('says when nothing answers', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const connection = await saved({ name: 'Nobody home', baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: KEY })
    const result = keep(await testConnection({ id: connection.id }))
    expect(result).toMatchObject({ ok: true, data: { ok: false, status: null, message: expect.stringMatching(/^Could not reach the server: .*ECONNREFUSED/) } })
  })

  it('sends only the connection’s own key, organization and project, never the environment’s', async () => {
    const connection = await saved({ name: 'Local proxy', baseUrl: stub.baseUrl, apiKey: KEY, organization: 'org-mine', project: 'proj-mine' })
    keep(await testConnection({ id: connection.id }))
    expect(stub.seen.at(-1)).toEqual({ url: '/v1/batches?limit=1', authorization: `Bearer ${KEY}`, organization: 'org-mine', project: 'proj-mine' })
    await saved({ id: connection.id, name: 'Local proxy', baseUrl: stub.baseUrl, apiKey: null, organization: '', project: '' })
    expect(keep(await testConnection({ id: connection.id }))).toMatchObject({ ok: true, data: { ok: true } })
    expect(stub.seen.at(-1)).toEqual({ url: '/v1/batches?limit=1', authorization: undefined, organization: undefined, project: undefined })
  })

  it('is what getConnection() talks through', async () => {
    const [row] = await db.connection.findMany({ where: { name: 'This Batchboard' } })
    const connection = await getConnection(row!.id)
    expect(await connection.listBatches({ limit: 5 })).toEqual({ data: [], hasMore: false, lastId: null })
    expect(await getConnection('builtin')).toMatchObject({ kind: 'builtin' })
    await expect(getRemoteConnection('builtin')).rejects.toThrow(/built-in engine/)
  })
})

describe('secrets', () => {
  it('appear in no GET answer and no action result', async () => {
    await list()
    expect(answers.length).toBeGreaterThan(20)
    const everything = JSON.stringify(answers)
    expect(everything).toContain('c1f0')
    expect(everything).not.toContain(KEY)
    expect(everything).not.toContain(V1_KEY)
    expect(everything).not.toContain('apiKeyEncrypted')
  })
})

import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { GET as getApiKeys } from '@/app/api/api-keys/route'
import { GET as getBatch } from '@/app/api/batches/[batchId]/route'
import { GET as getFacets } from '@/app/api/batches/facets/route'
import { GET as getBatches } from '@/app/api/batches/route'
import { GET as getConnections } from '@/app/api/connections/route'
import { GET as getUpstreams } from '@/app/api/engine/upstreams/route'
import { GET as getFileContent } from '@/app/api/files/[fileId]/content/route'
import { GET as getFilePreview } from '@/app/api/files/[fileId]/preview/route'
import { GET as getFile } from '@/app/api/files/[fileId]/route'
import { GET as getFiles } from '@/app/api/files/route'
import { GET as getSystem } from '@/app/api/system/route'
import { cancelBatch, createBatch, refreshBatch } from '@/lib/actions/batches'
import { importBatches, saveConnection, testConnection } from '@/lib/actions/connections'
import { createApiKey } from '@/lib/server/api-keys'
import { startSync } from '@/lib/server/connections/sync'
import { db } from '@/lib/server/db'
import { startScheduler, type Scheduler } from '@/lib/server/engine'
import { ingestFile } from '@/lib/server/files/ingest'
import { chatFile } from '@/tests/support/batch-files'
import { FAST_ENGINE, waitFor } from '@/tests/support/engine'
import { startFakeAnthropic } from '@/tests/support/fake-anthropic'
import { startFakeGemini } from '@/tests/support/fake-gemini'
import { providerBatchLines } from '@/tests/support/provider-batch-file'
import { startFaultProxy, type FaultProxy } from '@/tests/support/fault-proxy'
import { startV1Server } from '@/tests/support/v1-server'
import { NextRequest } from 'next/server'

// Request lines are logged at info; the test setup turns the log down to warn.
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'info'
})

let v1: Awaited<ReturnType<typeof startV1Server>>
let proxy: FaultProxy
let scheduler: Scheduler
let sync: ReturnType<typeof startSync>
let key: string
const logLines: string[] = []

beforeAll(async () => {
  // The server's log is its stdout (lib/server/log.ts): keep every line written while the test runs.
  const write = process.stdout.write.bind(process.stdout)
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logLines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return (write as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean)(chunk, ...rest)
  })
  v1 = await startV1Server()
  proxy = await startFaultProxy(v1.baseURL)
  scheduler = startScheduler(FAST_ENGINE)
  sync = startSync({ pollMs: 40, minMs: 40, maxMs: 200 })
  key = (await createApiKey({ name: 'planted' })).key
})

afterAll(async () => {
  vi.restoreAllMocks()
  await sync.stop()
  await scheduler.stop()
  await proxy.close()
  await v1.close()
})

type Handler = (request: NextRequest, context: { params?: Promise<Record<string, string>> }) => Promise<Response>
const read = async (handler: Handler, url: string, params: Record<string, string> = {}) =>
  (await handler(new NextRequest(new URL(url, 'http://127.0.0.1')), { params: Promise.resolve(params) })).text()

/** Stores `content` as a file, runs it on the connection and waits until the batch has ended with its files here. */
async function runToEnd(connectionId: string, content: string, keep: (value: unknown) => void) {
  const temp = path.join(os.tmpdir(), `leak-${randomBytes(4).toString('hex')}.jsonl`)
  writeFileSync(temp, content)
  const { file } = await ingestFile(temp, { filename: 'leak.jsonl', rejectInvalid: true, reuseDuplicate: false })
  const created = await createBatch({ connectionId, fileId: file.id, completionWindow: '24h', metadata: [] })
  keep(created)
  if (!created.ok) expect.fail(created.error.message)
  const done = await waitFor(
    () => db.batch.findUniqueOrThrow({ where: { id: created.data.id } }),
    (batch) => ['completed', 'expired', 'failed', 'cancelled'].includes(batch.status) && batch.nextSyncAt === null,
  )
  return { file, done }
}

it('never puts a connection key into a route’s answer, an action’s result or a log line, even when the provider echoes it', async () => {
  const seen: string[] = []
  const keep = (value: unknown) => void seen.push(typeof value === 'string' ? value : JSON.stringify(value))

  const saved = await saveConnection({ name: 'Planted', baseUrl: proxy.baseURL, apiKey: key })
  keep(saved)
  if (!saved.ok) expect.fail(saved.error.message)
  const connectionId = saved.data.id
  keep(await testConnection({ id: connectionId }))

  const { file, done } = await runToEnd(connectionId, chatFile(2, { model: 'sim-chat', content: `leak ${Math.random()}` }), keep)
  expect(done.status).toBe('completed')

  // A provider that repeats the refused key in its error: create, cancel, refresh, import and Test all report it.
  const echo = { status: 401, message: 'Incorrect API key provided', echoAuthorization: true }
  for (const method of ['POST', 'GET']) proxy.fail(method, /.*/, echo, 20)
  keep(await createBatch({ connectionId, fileId: file.id, completionWindow: '24h', metadata: [] }))
  keep(await cancelBatch({ batchId: done.id }))
  await db.batch.update({ where: { id: done.id }, data: { status: 'in_progress' } })
  keep(await refreshBatch({ batchId: done.id }))
  keep(await importBatches({ id: connectionId }))
  keep(await testConnection({ id: connectionId }))
  const failed = await db.batch.findUniqueOrThrow({ where: { id: done.id } })
  expect(failed.syncError).toContain('Incorrect API key provided (you sent Bearer [redacted])')
  proxy.reset()

  keep(await read(getConnections, '/api/connections'))
  keep(await read(getBatches, '/api/batches'))
  keep(await read(getFacets, '/api/batches/facets'))
  keep(await read(getBatch, `/api/batches/${done.id}`, { batchId: done.id }))
  keep(await read(getFiles, '/api/files'))
  for (const fileId of [file.id, done.outputFileId!]) {
    keep(await read(getFile, `/api/files/${fileId}`, { fileId }))
    keep(await read(getFilePreview, `/api/files/${fileId}/preview`, { fileId }))
    keep(await read(getFileContent, `/api/files/${fileId}/content`, { fileId }))
  }
  keep(await read(getSystem, '/api/system'))
  keep(await read(getUpstreams, '/api/engine/upstreams'))
  keep(await read(getApiKeys, '/api/api-keys'))

  // The failures above did report something (so the check below looks at real messages).
  expect(seen.join('\n')).toContain('Incorrect API key provided')
  for (const text of seen) {
    expect(text).not.toContain(key)
    expect(text).not.toContain(key.slice(0, -4))
  }

  // The log saw the same requests (one line each), and no key either.
  const requests = logLines.flatMap((chunk) => chunk.split('\n')).filter((line) => line.includes('"msg":"request"'))
  expect(requests.map((line) => JSON.parse(line) as { route: string; status: number })).toContainEqual(
    expect.objectContaining({ route: '/api/batches/[batchId]', status: 200 }),
  )
  for (const chunk of logLines) {
    expect(chunk).not.toContain(key)
    expect(chunk).not.toContain(key.slice(0, -4))
  }
})

it('never lets an Anthropic or Gemini key out either, even when the provider repeats it in its errors', async () => {
  const anthropic = await startFakeAnthropic()
  const gemini = await startFakeGemini()
  const seen: string[] = []
  const keep = (value: unknown) => void seen.push(typeof value === 'string' ? value : JSON.stringify(value))
  try {
    for (const [kind, fake] of [
      ['anthropic', anthropic],
      ['gemini', gemini],
    ] as const) {
      const saved = await saveConnection({ kind, name: `Planted ${kind}`, baseUrl: fake.baseURL, apiKey: fake.apiKey, defaultMaxTokens: 64 })
      keep(saved)
      if (!saved.ok) expect.fail(saved.error.message)
      const connectionId = saved.data.id
      keep(await testConnection({ id: connectionId }))
      const lines = providerBatchLines(kind === 'anthropic' ? 'claude-sonnet-4-6' : 'gemini-2.5-flash', 5)
      const { file, done } = await runToEnd(connectionId, `${lines.join('\n')}\n`, keep)

      const echo = { status: 401, message: `The key ${fake.apiKey} is not valid.` }
      for (const method of ['POST', 'GET']) fake.fail(method, /.*/, echo, 20)
      keep(await createBatch({ connectionId, fileId: file.id, completionWindow: '24h', metadata: [] }))
      await db.batch.update({ where: { id: done.id }, data: { status: 'in_progress' } })
      keep(await refreshBatch({ batchId: done.id }))
      keep(await importBatches({ id: connectionId }))
      keep(await testConnection({ id: connectionId }))
      keep((await db.batch.findUniqueOrThrow({ where: { id: done.id } })).syncError)
      keep(await read(getConnections, '/api/connections'))
      keep(await read(getBatch, `/api/batches/${done.id}`, { batchId: done.id }))
    }
    expect(seen.join('\n')).toContain('is not valid.')
    for (const key of [anthropic.apiKey, gemini.apiKey]) {
      for (const text of seen) expect(text).not.toContain(key)
      for (const chunk of logLines) expect(chunk).not.toContain(key)
    }
  } finally {
    await anthropic.close()
    await gemini.close()
  }
})

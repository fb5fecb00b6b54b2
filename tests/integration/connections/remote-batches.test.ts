import { createHmac, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { NextRequest } from 'next/server'
import OpenAI, { toFile } from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'

vi.hoisted(() => {
  // Read when lib/server/env is first imported. A short provider timeout so the "no answer" fault is quick.
  process.env.BATCHBOARD_PROVIDER_TIMEOUT_MS = '1500'
})

import { cancelBatch, createBatch, deleteBatch, refreshBatch } from '@/lib/actions/batches'
import { importBatches, saveConnection } from '@/lib/actions/connections'
import { POST as webhook } from '@/app/api/webhooks/openai/route'
import { createApiKey } from '@/lib/server/api-keys'
import { startSync } from '@/lib/server/connections/sync'
import { db } from '@/lib/server/db'
import { saveUpstream, startScheduler, startSimulator, type Scheduler, type Simulator } from '@/lib/server/engine'
import { ingestFile } from '@/lib/server/files/ingest'
import { fromStoragePath } from '@/lib/server/storage'
import { chatFile } from '@/tests/support/batch-files'
import { FAST_ENGINE, waitFor } from '@/tests/support/engine'
import { closedPort, startFaultProxy, type FaultProxy } from '@/tests/support/fault-proxy'
import { startV1Server } from '@/tests/support/v1-server'

let v1: Awaited<ReturnType<typeof startV1Server>>
let proxy: FaultProxy
let scheduler: Scheduler
let sync: ReturnType<typeof startSync>
let slow: Simulator
let client: OpenAI
let connectionId: string
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`

beforeAll(async () => {
  v1 = await startV1Server()
  proxy = await startFaultProxy(v1.baseURL)
  scheduler = startScheduler(FAST_ENGINE)
  sync = startSync({ pollMs: 40, minMs: 40, maxMs: 200 })
  slow = await startSimulator({ latencyMs: 150 })
  await saveUpstream({ name: 'slow', baseUrl: slow.url, models: ['slow-*'], maxConcurrency: 1 })
  const { key } = await createApiKey({ name: 'remote connection' })
  client = new OpenAI({ baseURL: v1.baseURL, apiKey: key, maxRetries: 0 })
  const saved = await saveConnection({ name: 'Other Batchboard', baseUrl: proxy.baseURL, apiKey: key, webhookSecret: WEBHOOK_SECRET })
  if (!saved.ok) throw new Error(saved.error.message)
  connectionId = saved.data.id
})

afterAll(async () => {
  await sync.stop()
  await scheduler.stop()
  await slow.close()
  await proxy.close()
  await v1.close()
})

beforeEach(() => proxy.reset())

async function inputFile(lines: number, model = 'sim-chat') {
  const temp = path.join(os.tmpdir(), `remote-${randomBytes(6).toString('hex')}.jsonl`)
  writeFileSync(temp, chatFile(lines, { model, content: `unique ${Math.random()}` }))
  const { file } = await ingestFile(temp, { filename: 'questions.jsonl', rejectInvalid: true, reuseDuplicate: false })
  return file
}

const TERMINAL = ['completed', 'failed', 'expired', 'cancelled']
const row = (id: string) => db.batch.findUniqueOrThrow({ where: { id } })
/** Finished on the provider and its files copied here. */
const settled = (id: string) =>
  waitFor(
    () => row(id),
    (batch) => TERMINAL.includes(batch.status) && batch.nextSyncAt === null,
  )

async function created(input: { fileId: string; description?: string; outputExpiresAfterSeconds?: number }) {
  const result = await createBatch({ connectionId, completionWindow: '24h', metadata: [], ...input })
  if (!result.ok) expect.fail(`create failed: ${result.error.message}`)
  return result.data.id
}

/** Input files the provider holds (the /v1 server is the provider here, so they are rows on the builtin connection). */
const providerFiles = async () =>
  new Set((await db.file.findMany({ where: { connectionId: 'builtin', purpose: 'batch' }, select: { id: true } })).map((file) => file.id))

/** Runs `act` and answers which provider files it added, besides the local input file(s) it made. */
async function addedFiles(act: () => Promise<{ localIds: string[] }>): Promise<string[]> {
  const before = await providerFiles()
  const { localIds } = await act()
  return [...(await providerFiles())].filter((id) => !before.has(id) && !localIds.includes(id))
}

describe('a batch on an openai connection (pointed at this Batchboard’s /v1)', () => {
  it('is created, synced to completed, and its output and error files are copied into the data dir byte for byte', async () => {
    const file = await inputFile(6)
    let id = ''
    const added = await addedFiles(async () => {
      id = await created({ fileId: file.id, description: 'remote run' })
      return { localIds: [file.id] }
    })
    const first = await row(id)
    expect(first).toMatchObject({
      connectionId,
      inputFileId: file.id,
      remoteId: expect.stringMatching(/^batch_/),
      remoteInputFileId: expect.stringMatching(/^file-/),
      description: 'remote run',
    })
    // The uploaded copy went up with its .jsonl name.
    expect((await client.files.retrieve(first.remoteInputFileId!)).filename).toBe('questions.jsonl')
    expect(added).toEqual([first.remoteInputFileId])

    const done = await settled(id)
    expect(done).toMatchObject({
      status: 'completed',
      requestCountTotal: 6,
      requestCountCompleted: 6,
      requestCountFailed: 0,
      syncError: null,
      model: 'sim-chat',
    })
    expect(done.syncedAt).not.toBeNull()
    expect(done.completedAt).not.toBeNull()
    expect(done.usageTotalTokens).toBeGreaterThan(0n)
    const remote = await client.batches.retrieve(done.remoteId!)
    expect(done.remoteOutputFileId).toBe(remote.output_file_id)
    const output = await db.file.findUniqueOrThrow({ where: { id: done.outputFileId! } })
    expect(output).toMatchObject({ connectionId, remoteId: remote.output_file_id, purpose: 'batch_output', lineCount: 6 })
    const local = readFileSync(fromStoragePath(output.storagePath!), 'utf8')
    expect(local).toBe(await (await client.files.content(remote.output_file_id!)).text())
    expect(Number(output.bytes)).toBe(Buffer.byteLength(local))
    expect(existsSync(`${fromStoragePath(output.storagePath!)}.part`)).toBe(false)
    expect(await db.remoteFileCleanup.count()).toBe(0)

    // Once the files are local, the results are indexed: each request joined to its answer.
    await waitFor(
      () => db.resultIndex.findUnique({ where: { batchId: id } }),
      (index) => index?.state === 'ready',
    )
    const rows = await db.resultRow.findMany({ where: { batchId: id }, orderBy: { line: 'asc' } })
    expect(rows.map((r) => [r.line, r.status])).toEqual([1, 2, 3, 4, 5, 6].map((line) => [line, 'succeeded']))
  })

  it('asks the provider to keep the result files for the chosen time (output_expires_after)', async () => {
    const id = await created({ fileId: (await inputFile(2)).id, outputExpiresAfterSeconds: 86_400 })
    const done = await settled(id)
    expect(done.status).toBe('completed')
    const output = await client.files.retrieve(done.remoteOutputFileId!)
    // The provider here is Batchboard's own engine, which dates the files from when they were written.
    expect(output.expires_at! - output.created_at).toBe(86_400)
  })

  it('cancels on the provider, and answers the provider’s 409 word for word once the batch has finished', async () => {
    const file = await inputFile(30, 'slow-chat')
    const id = await created({ fileId: file.id })
    await waitFor(
      () => row(id),
      (batch) => batch.status === 'in_progress',
    )
    const result = await cancelBatch({ batchId: id })
    expect(result).toMatchObject({ ok: true, data: { status: expect.stringMatching(/^cancell(ing|ed)$/) } })
    const done = await settled(id)
    expect(done.status).toBe('cancelled')
    expect(done.cancelledAt).not.toBeNull()
    expect(done.errorFileId).not.toBeNull()

    const finished = await settled(await created({ fileId: (await inputFile(1)).id }))
    const refused = await cancelBatch({ batchId: finished.id })
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'provider_error', message: "Other Batchboard could not cancel the batch: 409: Cannot cancel a batch with status 'completed'." },
    })
  })

  it('imports every batch made elsewhere through /v1 (all pages), once, and copies their results', async () => {
    const made: string[] = []
    for (let i = 0; i < 3; i++) {
      const upload = await client.files.create({
        file: await toFile(Buffer.from(chatFile(2, { model: 'sim-chat', content: `import ${i} ${Math.random()}` })), 'script.jsonl'),
        purpose: 'batch',
      })
      made.push(
        (
          await client.batches.create({
            input_file_id: upload.id,
            endpoint: '/v1/chat/completions',
            completion_window: '24h',
            metadata: { source: 'notebook' },
          })
        ).id,
      )
    }
    for (const batchId of made)
      await waitFor(
        () => client.batches.retrieve(batchId),
        (batch) => batch.status === 'completed',
      )

    const first = await importBatches({ id: connectionId })
    expect(first).toMatchObject({ ok: true, data: { imported: expect.any(Number), seen: expect.any(Number) } })
    if (!first.ok) return
    expect(first.data.imported).toBeGreaterThanOrEqual(3)
    // 100 per page: the cursor was followed until has_more was false.
    expect(proxy.count('GET', /^\/v1\/batches$/)).toBeGreaterThanOrEqual(1)
    for (const remoteId of made) {
      const imported = await db.batch.findUniqueOrThrow({ where: { connectionId_remoteId: { connectionId, remoteId } } })
      const remote = await client.batches.retrieve(remoteId)
      expect(imported).toMatchObject({ status: 'completed', metadata: { source: 'notebook' }, remoteInputFileId: remote.input_file_id, requestCountTotal: 2 })
      expect(imported.createdAt.getTime()).toBe(remote.created_at * 1000)
      expect(imported.recordedAt.getTime()).toBeGreaterThanOrEqual(imported.createdAt.getTime())
      const copied = await settled(imported.id)
      expect(readFileSync(fromStoragePath((await db.file.findUniqueOrThrow({ where: { id: copied.outputFileId! } })).storagePath!), 'utf8')).toBe(
        await (await client.files.content(remote.output_file_id!)).text(),
      )
    }
    const again = await importBatches({ id: connectionId })
    expect(again).toMatchObject({ ok: true, data: { imported: 0 } })
  })

  it('deletes the record only, or with a second choice also the batch’s files on the provider', async () => {
    const keep = await settled(await created({ fileId: (await inputFile(1)).id }))
    expect(await deleteBatch({ batchId: keep.id })).toMatchObject({ ok: true, data: { remoteFilesDeleted: 0 } })
    expect((await client.files.retrieve(keep.remoteOutputFileId!)).id).toBe(keep.remoteOutputFileId)

    const gone = await settled(await created({ fileId: (await inputFile(1)).id }))
    expect(await deleteBatch({ batchId: gone.id, remote: true })).toMatchObject({ ok: true, data: { remoteFilesDeleted: 2, remoteFilesPending: 0 } })
    await expect(client.files.retrieve(gone.remoteOutputFileId!)).rejects.toMatchObject({ status: 404 })
    await expect(client.files.retrieve(gone.remoteInputFileId!)).rejects.toMatchObject({ status: 404 })
    // The local copy of the output stays.
    expect(existsSync(fromStoragePath((await db.file.findUniqueOrThrow({ where: { id: gone.outputFileId! } })).storagePath!))).toBe(true)
    expect(await db.batch.count({ where: { id: gone.id } })).toBe(0)
  })
})

describe('faults on provider calls', () => {
  it('waits out a 429 with Retry-After on the upload and goes on', async () => {
    proxy.fail('POST', /^\/v1\/files$/, { status: 429, headers: { 'retry-after': '1' }, message: 'Slow down' })
    const id = await created({ fileId: (await inputFile(1)).id })
    expect(proxy.count('POST', /^\/v1\/files$/)).toBe(2)
    expect((await settled(id)).status).toBe('completed')
  })

  it('does not repeat a create that got a 500, says so with the provider’s message, and deletes the uploaded file', async () => {
    const batchesBefore = await db.batch.count({ where: { connectionId } })
    proxy.fail('POST', /^\/v1\/batches$/, { status: 500, message: 'The server had an error while processing your request.' })
    let result: Awaited<ReturnType<typeof createBatch>> | undefined
    const added = await addedFiles(async () => {
      const file = await inputFile(1)
      result = await createBatch({ connectionId, fileId: file.id, completionWindow: '24h', metadata: [] })
      return { localIds: [file.id] }
    })
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'provider_error',
        message:
          'Other Batchboard could not create the batch: 500: The server had an error while processing your request. The uploaded input file was deleted again; nothing was started.',
      },
    })
    expect(proxy.count('POST', /^\/v1\/batches$/)).toBe(1)
    expect(proxy.count('DELETE', /^\/v1\/files\//)).toBe(1)
    expect(await db.batch.count({ where: { connectionId } })).toBe(batchesBefore)
    expect(added).toEqual([])
    expect(await db.remoteFileCleanup.count()).toBe(0)
  })

  it('reports a create that got no answer in time, without repeating it, and leaves nothing behind', async () => {
    proxy.fail('POST', /^\/v1\/batches$/, 'hang')
    let result: Awaited<ReturnType<typeof createBatch>> | undefined
    const added = await addedFiles(async () => {
      const file = await inputFile(1)
      result = await createBatch({ connectionId, fileId: file.id, completionWindow: '24h', metadata: [] })
      return { localIds: [file.id] }
    })
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringContaining('could not create the batch: No answer within 2 s.') } })
    expect(proxy.count('POST', /^\/v1\/batches$/)).toBe(1)
    expect(added).toEqual([])
    expect(await db.remoteFileCleanup.count()).toBe(0)
  })

  it('keeps a file it could not delete at once, and the sweep deletes it later', async () => {
    proxy.fail('POST', /^\/v1\/batches$/, { status: 400, message: "Invalid value for 'completion_window'." })
    proxy.fail('DELETE', /^\/v1\/files\//, { status: 503, message: 'busy' })
    const file = await inputFile(1)
    const before = await providerFiles()
    const result = await createBatch({ connectionId, fileId: file.id, completionWindow: '24h', metadata: [] })
    expect(result).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("400: Invalid value for 'completion_window'. The uploaded input file will be deleted") },
    })
    const [note] = await db.remoteFileCleanup.findMany()
    expect(note).toMatchObject({ attempts: 1, lastError: '503: busy' })
    await db.remoteFileCleanup.update({ where: { id: note!.id }, data: { nextAttemptAt: new Date() } })
    expect(await db.file.count({ where: { id: note!.remoteFileId } })).toBe(1)
    expect(before.has(note!.remoteFileId)).toBe(false)
    await waitFor(
      () => db.remoteFileCleanup.count(),
      (count) => count === 0,
      10_000,
    )
    expect(await db.file.count({ where: { id: note!.remoteFileId } })).toBe(0)
  })

  it('says the server cannot be reached when nothing listens, and records nothing', async () => {
    const saved = await saveConnection({ name: 'Nobody home', baseUrl: `http://127.0.0.1:${await closedPort()}/v1`, apiKey: 'sk-nothing-here' })
    if (!saved.ok) expect.fail(saved.error.message)
    const result = await createBatch({ connectionId: saved.data.id, fileId: (await inputFile(1)).id, completionWindow: '24h', metadata: [] })
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'provider_error',
        message: expect.stringMatching(/^Nobody home could not take the input file: Could not reach the server: .*ECONNREFUSED.* Nothing was started\.$/),
      },
    })
    expect(await db.batch.count({ where: { connectionId: saved.data.id } })).toBe(0)
    expect(await db.remoteFileCleanup.count()).toBe(0)
  })

  it('honours Retry-After and backs off on 429 and 500 while syncing, then catches up', async () => {
    const file = await inputFile(20, 'slow-chat')
    proxy.fail('GET', /^\/v1\/batches\/[^/]+$/, { status: 429, headers: { 'retry-after': '2' }, message: 'Rate limit reached' })
    const id = await created({ fileId: file.id })
    const limited = await waitFor(
      () => row(id),
      (batch) => batch.syncError !== null,
    )
    expect(limited.syncError).toBe('429: Rate limit reached')
    expect(limited.nextSyncAt!.getTime() - limited.updatedAt.getTime()).toBeGreaterThanOrEqual(1900)
    proxy.fail('GET', /^\/v1\/batches\/[^/]+$/, { status: 500, message: 'Internal' })
    const failed = await waitFor(
      () => row(id),
      (batch) => batch.syncError === '500: Internal',
    )
    expect(failed.syncFailures).toBeGreaterThanOrEqual(1)
    const done = await settled(id)
    expect(done).toMatchObject({ status: 'completed', syncError: null, syncFailures: 0, requestCountCompleted: 20 })
  })

  it('never marks a download that was cut off as complete: it is fetched again', async () => {
    proxy.fail('GET', /^\/v1\/files\/[^/]+\/content$/, 'truncate', 2)
    const done = await settled(await created({ fileId: (await inputFile(3)).id }))
    expect(proxy.count('GET', /^\/v1\/files\/[^/]+\/content$/)).toBeGreaterThanOrEqual(3)
    const output = await db.file.findUniqueOrThrow({ where: { id: done.outputFileId! } })
    expect(readFileSync(fromStoragePath(output.storagePath!), 'utf8')).toBe(await (await client.files.content(done.remoteOutputFileId!)).text())
  })

  it('stops asking for result files the provider has deleted, and says so', async () => {
    proxy.fail('GET', /^\/v1\/files\/[^/]+\/content$/, { status: 404, message: 'No such File object' }, 100)
    const id = await created({ fileId: (await inputFile(1)).id })
    const gone = await waitFor(
      () => row(id),
      (batch) => batch.status === 'completed' && batch.nextSyncAt === null,
    )
    expect(gone.outputFileId).toBeNull()
    expect(gone.remoteOutputFileId).not.toBeNull()
    expect(gone.syncError).toBe("The provider no longer has this batch's files (404: No such File object); only their ids are kept.")
  })
})

describe('webhooks and refresh', () => {
  const sign = (body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)) => {
    const id = `wh_${randomBytes(8).toString('hex')}`
    const key = Buffer.from(secret.replace('whsec_', ''), 'base64')
    const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
    return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}`, 'content-type': 'application/json' }
  }
  const post = (body: string, headers: Record<string, string>) =>
    webhook(new NextRequest('http://localhost/api/webhooks/openai', { method: 'POST', body, headers }), {})

  it('refuses a bad signature with 400 and a message that says what to check', async () => {
    const body = JSON.stringify({ id: 'evt_1', object: 'event', created_at: 1, type: 'batch.completed', data: { id: 'batch_x' } })
    const response = await post(body, sign(body, `whsec_${randomBytes(24).toString('base64')}`))
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: { code: 'invalid_signature', message: expect.stringContaining('Check the signing secret on the connection') },
    })
  })

  it('syncs the batch named by a signed event at once, without waiting for the poll', async () => {
    const done = await settled(await created({ fileId: (await inputFile(1)).id }))
    // Pretend the last poll was long ago and the next is far off: only the webhook can bring it up to date.
    await db.batch.update({ where: { id: done.id }, data: { status: 'in_progress', completedAt: null, nextSyncAt: new Date(Date.now() + 3_600_000) } })
    const body = JSON.stringify({
      id: 'evt_2',
      object: 'event',
      created_at: Math.floor(Date.now() / 1000),
      type: 'batch.completed',
      data: { id: done.remoteId },
    })
    const response = await post(body, sign(body, WEBHOOK_SECRET))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ received: 'batch.completed', batches: 1 })
    const synced = await waitFor(
      () => row(done.id),
      (batch) => batch.status === 'completed',
    )
    expect(synced.completedAt).not.toBeNull()
  })

  it('refreshes on request, and one refresh serves concurrent callers', async () => {
    const done = await settled(await created({ fileId: (await inputFile(1)).id }))
    await db.batch.update({ where: { id: done.id }, data: { status: 'in_progress', nextSyncAt: new Date(Date.now() + 3_600_000) } })
    proxy.reset()
    const results = await Promise.all(Array.from({ length: 5 }, () => refreshBatch({ batchId: done.id })))
    for (const result of results) expect(result).toMatchObject({ ok: true, data: { status: 'completed' } })
    expect(proxy.count('GET', /^\/v1\/batches\/[^/]+$/)).toBe(1)
  })
})
